// Board designer: draw a board's connectors on a picture of it, give each one
// its pins, and export a board definition (boards/schema/board-definition.v1.json)
// or Klipper's [board_pins] section.
//
// Plain JavaScript and SVG, no framework. Rules worth knowing:
// - Every piece of user or server text reaches the page through textContent or
//   attributes (the h()/svg() helpers below); innerHTML is never used.
// - Geometry is stored normalised to the image: x, y, w, h, cx, cy are fractions
//   (0..1) of the image's width (x, w, cx) or height (y, h, cy); a circle's r is a
//   fraction of the image WIDTH (not of the height). So shapes survive any zoom,
//   screen size or a rescaled copy of the same picture.
// - The document (board settings, sources, connectors, pins) changes only through
//   commit() or a drag's end, which record the previous state for undo/redo and
//   save everything to localStorage.
(function () {
  "use strict";

  const root = document.getElementById("designer");
  if (!root) return;

  const STORAGE_KEY = "klipperiwc.board-designer.v1";
  const IMAGE_KEY = STORAGE_KEY + ".image"; // the data URL of a local image, kept apart from the work
  const MAX_STORED_IMAGE_CHARS = 4 * 1024 * 1024; // about a 3 MB file; localStorage holds ~5 M characters
  const HISTORY_LIMIT = 300;
  const DESIGNER_SOURCE_ID = "designer";

  // --- rules mirrored from the schema and boards/validation.py ---------------------
  // The enums are refreshed from GET /api/boards/schema at start-up; these are the
  // fallback if that request fails. The pin-name rules have no API: keep them in
  // step with PIN_NAMES / PIN_NAME_HINTS / ADC_PINS in boards/validation.py (a browser
  // test compares them).
  let FAMILIES = ["stm32", "gd32", "sam", "avr", "lpc176x", "rp2040", "linux"];
  let CONNECTOR_KINDS = [
    "stepper", "heater", "bed_heater", "thermistor", "fan", "endstop", "probe", "servo", "rgb", "expansion",
    "uart", "spi", "i2c", "can", "usb", "power_in", "power_out", "ps_on", "power_detect", "filament_sensor", "other",
  ];
  let PIN_FUNCTIONS = [
    "step", "dir", "enable", "uart", "uart_tx", "uart_rx", "spi_cs", "spi_sclk", "spi_mosi", "spi_miso", "i2c_sda",
    "i2c_scl", "can_rx", "can_tx", "diag", "heater_pwm", "thermistor_adc", "fan_pwm", "fan_tach", "endstop", "probe_in",
    "servo_pwm", "neopixel", "encoder", "button", "beeper", "filament_sensor", "power_detect", "ps_on", "gpio",
    "motor_coil", "gnd", "power", "reset", "nc", "other",
  ];
  let SOURCE_KINDS = [
    "klipper_config", "vendor_config", "vendor_diagram", "vendor_docs", "marlin_pins", "schematic", "other",
  ];
  const PIN_NAMES = {
    stm32: /^(?:P[A-K](?:[0-9]|1[0-5])|ADC_TEMPERATURE)$/,
    gd32: /^(?:P[A-K](?:[0-9]|1[0-5])|ADC_TEMPERATURE)$/,
    sam: /^P[A-E](?:[0-9]|[12][0-9]|3[01])$/,
    avr: /^P[A-HJ-L][0-7]$/,
    lpc176x: /^P[0-4]\.(?:[0-9]|[12][0-9]|3[01])$/,
    rp2040: /^gpio(?:[0-9]|1[0-9]|2[0-9])$/,
    linux: /^(?:gpio(?:0|[1-9][0-9]*)|gpiochip(?:0|[1-9][0-9]*)\/gpio(?:0|[1-9][0-9]*)|analog(?:0|[1-9][0-9]*))$/,
  };
  const PIN_NAME_HINTS = {
    stm32: "PA0..PK15 or ADC_TEMPERATURE",
    gd32: "PA0..PK15 or ADC_TEMPERATURE",
    sam: "PA0..PE31",
    avr: "PA0..PL7",
    lpc176x: "P0.0..P4.31",
    rp2040: "gpio0..gpio29",
    linux: "gpioN, gpiochipN/gpioN or analogN",
  };
  const STM32_COMMON = ["PA0", "PA1", "PA2", "PA3", "PA4", "PA5", "PA6", "PA7", "PB0", "PB1"];
  const ADC_PINS = {
    stm32f103: new Set([...STM32_COMMON, "PC0", "PC1", "PC2", "PC3", "PC4", "PC5", "ADC_TEMPERATURE"]),
    stm32f446: new Set([
      ...STM32_COMMON, "PC0", "PC1", "PC2", "PC3", "PC4", "PC5", "ADC_TEMPERATURE",
      "PF3", "PF4", "PF5", "PF6", "PF7", "PF8", "PF9", "PF10",
    ]),
    stm32g0b1: new Set([...STM32_COMMON, "PB2", "PB10", "PB11", "PB12", "PC4", "PC5", "ADC_TEMPERATURE"]),
    stm32h723: new Set([
      ...STM32_COMMON, "PC0", "PC1", "PC2", "PC3", "PC4", "PC5",
      "PF3", "PF4", "PF5", "PF6", "PF7", "PF8", "PF9", "PF10", "PF11", "PF12", "PF13", "PF14",
      "PH2", "PH3", "PH4", "PH5", "ADC_TEMPERATURE",
    ]),
  };
  const ADC_FAMILY_RULES = { rp2040: /^gpio(?:2[6-9])$/, linux: /^analog[0-9]+$/ };
  const CHIPS = {
    stm32: ["stm32f103", "stm32f401", "stm32f407", "stm32f429", "stm32f446", "stm32g0b1", "stm32h723", "stm32h743"],
    gd32: ["gd32f303"],
    sam: ["sam3x8e", "sam4e8e", "same51", "same70", "samd21"],
    avr: ["atmega2560", "atmega1284p", "atmega644p"],
    lpc176x: ["lpc1768", "lpc1769"],
    rp2040: ["rp2040"],
    linux: ["linux"],
  };
  const BOARD_SLUG = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;
  const CHIP_NAME = /^[a-z0-9_]+$/;
  const ALIAS_PART = /^[A-Za-z0-9_]+$/;
  const NET_NAME = /^[A-Z0-9][A-Z0-9_+-]*$/;
  // Values read as a net rather than an MCU pin (besides any value on a gnd/power/reset/nc contact).
  const NET_LIKE = /^(?:GND[A-Z0-9_]*|[0-9]+V[0-9]*|V[A-Z0-9_]*|RST|RESET|NC)$/;
  const NET_FUNCTIONS = new Set(["gnd", "power", "reset", "nc"]);
  const PIN_NUMBER_ROLE = /^[A-Z][A-Z0-9_]*$/;
  const DEFAULT_FUNCTION = {
    stepper: "motor_coil", heater: "heater_pwm", bed_heater: "heater_pwm", thermistor: "thermistor_adc",
    fan: "fan_pwm", endstop: "endstop", probe: "probe_in", servo: "servo_pwm", rgb: "neopixel",
    filament_sensor: "filament_sensor", power_detect: "power_detect", ps_on: "ps_on",
  };
  const HEADER_NOTES = {
    silkscreen: "Pin numbers as printed on the board (silkscreen), as drawn in the KlipperIWC board designer.",
    klipper: "Klipper's RepRapDiscount numbering (EXP1_1 = beeper, EXP1_2 = encoder click, EXP1_9 = GND, EXP1_10 = 5V).",
  };

  // --- small helpers ---------------------------------------------------------------
  const $ = (selector, scope = document) => scope.querySelector(selector);
  const $$ = (selector, scope = document) => Array.from(scope.querySelectorAll(selector));
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  let uidCounter = 0;
  const newUid = (prefix) => `${prefix}${Date.now().toString(36)}${(uidCounter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  function h(tag, attrs = {}, ...children) {
    const element = document.createElement(tag);
    setAttrs(element, attrs);
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child)); // strings become text nodes
    }
    return element;
  }

  function svg(tag, attrs = {}) {
    const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    setAttrs(element, attrs);
    return element;
  }

  function setAttrs(element, attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") element.textContent = value;
      else if (name === "value") element.value = value;
      else if (name === "dataset") Object.assign(element.dataset, value);
      else element.setAttribute(name, value === true ? "" : String(value));
    }
  }

  function selectElement(options, value, attrs) {
    const select = h("select", attrs);
    const values = options.includes(value) || value === "" ? options : [...options, value];
    for (const option of values) select.append(h("option", { value: option, text: option }));
    select.value = value;
    return select;
  }

  function fillSelect(select, options, labels = {}) {
    const current = select.value;
    select.replaceChildren(...options.map((option) => h("option", { value: option, text: labels[option] || option })));
    if (current && options.includes(current)) select.value = current;
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  function slugify(text) {
    return text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9.]+/g, "-")
      .replace(/[.-]{2,}/g, "-")
      .replace(/^[.-]+|[.-]+$/g, "")
      .slice(0, 80)
      .replace(/[.-]+$/g, "");
  }

  function aliasPart(text) {
    return text
      .toUpperCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40)
      .replace(/_+$/g, "");
  }

  // --- pin rules -----------------------------------------------------------------------
  function pinNameValid(family, name) {
    const pattern = PIN_NAMES[family];
    return Boolean(pattern && pattern.test(name));
  }

  function pinAdcCapable(family, chip, name) {
    const table = ADC_PINS[chip];
    if (table) return table.has(name);
    const rule = ADC_FAMILY_RULES[family];
    return rule ? rule.test(name) : true;
  }

  // A pin row's "MCU pin or net" cell: "PA1", "^!PB2" (board default pull-up and
  // inversion, in Klipper's order), or a net such as GND / 5V / VIN / 3V3.
  function parsePinValue(raw, fn, family) {
    const value = raw.trim();
    if (!value) return { error: "Enter an MCU pin (e.g. PA0) or a net (GND, 5V, VIN, 3V3)." };
    const match = /^([\^~]?)(!?)([\^~]?)(.*)$/.exec(value);
    const pull = match[1];
    const invert = match[2] === "!";
    let rest = match[4];
    if (match[3]) {
      return { error: `Write the pull-up or pull-down before the inversion: ${match[3]}!${rest} (Klipper rejects ${value}).` };
    }
    const prefix = /^([A-Za-z0-9_]+):(.+)$/.exec(rest);
    if (prefix) {
      return {
        error: `Leave out the chip prefix "${prefix[1]}:"; a toolhead board names its MCU in the board settings (second MCU name).`,
      };
    }
    if (/[\^~!]/.test(rest)) return { error: `"${value}" mixes modifiers into the pin name; write e.g. ^!PB2.` };
    if (pinNameValid(family, rest)) return { pin: rest, pull, invert };
    const netCandidate = NET_NAME.test(rest) && (NET_LIKE.test(rest) || NET_FUNCTIONS.has(fn));
    if (netCandidate) {
      if (pull || invert) return { error: `A net (${rest}) takes no ^ ~ ! modifiers.` };
      return { net: rest };
    }
    let message = `${rest} is not a ${family} pin name (${PIN_NAME_HINTS[family] || "unknown family"})`;
    const upper = rest.toUpperCase();
    if (upper !== rest && pinNameValid(family, upper)) message += `; did you mean ${upper}?`;
    else if (pinNameValid(family, rest.toLowerCase())) message += `; did you mean ${rest.toLowerCase()}?`;
    return { pin: rest, pull, invert, error: message };
  }

  function parsePinNumber(raw) {
    const value = String(raw).trim();
    if (/^[1-9][0-9]*$/.test(value)) return { number: Number(value) };
    if (PIN_NUMBER_ROLE.test(value) && value.length <= 16) return { number: value };
    return {
      number: value,
      error: value ? "Use a contact number (1, 2, …) or an upper-case role name (SIG, CS, …)." : "Enter the contact number.",
    };
  }

  function composePinValue(pin) {
    if (typeof pin.net === "string") return pin.net;
    if (typeof pin.mcu_pin !== "string") return "";
    return `${pin.default_pull || ""}${pin.default_invert ? "!" : ""}${pin.mcu_pin}`;
  }

  // --- SHA-256 (crypto.subtle needs a secure context; a LAN hub may be plain http) ---------
  const K256 = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
  ]);

  function sha256Fallback(input) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    const length = bytes.length;
    const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    const state = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const w = new Uint32Array(64);
    const ror = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, hh] = state;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i]) | 0;
        const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      state[0] += a;
      state[1] += b;
      state[2] += c;
      state[3] += d;
      state[4] += e;
      state[5] += f;
      state[6] += g;
      state[7] += hh;
    }
    return Array.from(state, (word) => word.toString(16).padStart(8, "0")).join("");
  }

  async function sha256Hex(buffer) {
    if (window.crypto && window.crypto.subtle) {
      try {
        const digest = await window.crypto.subtle.digest("SHA-256", buffer);
        return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
      } catch (error) {
        // fall through to the script version
      }
    }
    return sha256Fallback(new Uint8Array(buffer));
  }

  // --- the document --------------------------------------------------------------------
  function designerSource() {
    // The schema wants an https URL; on a plain-http hub the link still names this page's host.
    const origin = location.protocol === "https:" ? location.origin : `https://${location.host}`;
    return {
      id: DESIGNER_SOURCE_ID,
      title: "Drawn in the KlipperIWC board designer",
      url: `${origin}/board-designer`,
      kind: "other",
      extra: { notes: "Connector positions drawn by hand on the board image; pins entered by hand." },
    };
  }

  function newDoc() {
    return {
      board: {
        id: "new-board-v1",
        idLocked: false,
        name: "New board",
        manufacturer: "Unknown",
        revision: "V1",
        family: "stm32",
        chip: "stm32f103",
        klipper_build_notes: "",
        secondary_mcu: "",
        convention: "silkscreen",
        header_notes: HEADER_NOTES.silkscreen,
        notes: [],
      },
      sources: [designerSource()],
      image: null, // an imported definition's image entry, used while no background is chosen
      drivers: [],
      shared_signals: [],
      connectors: [],
    };
  }

  function newConnector(d, geometry) {
    let number = d.connectors.length + 1;
    const labels = new Set(d.connectors.map((c) => c.label));
    while (labels.has(`Connector ${number}`)) number += 1;
    const connector = {
      uid: newUid("c"),
      id: "",
      idLocked: false,
      label: `Connector ${number}`,
      kind: "other",
      geometry,
      notes: "",
      extra: {},
      pins: [],
    };
    connector.id = deriveConnectorId(d, connector);
    return connector;
  }

  function newPin(connector) {
    const numbers = connector.pins.map((pin) => Number(pin.number)).filter((n) => Number.isInteger(n) && n > 0);
    return {
      pid: newUid("p"),
      number: String(numbers.length ? Math.max(...numbers) + 1 : connector.pins.length + 1),
      function: DEFAULT_FUNCTION[connector.kind] || "gpio",
      value: "",
      extra: {},
    };
  }

  function deriveConnectorId(d, connector) {
    const base = aliasPart(connector.label) || "CONNECTOR";
    const taken = new Set(d.connectors.filter((c) => c.uid !== connector.uid).map((c) => c.id.toUpperCase()));
    let candidate = base;
    for (let n = 2; taken.has(candidate.toUpperCase()); n++) candidate = `${base.slice(0, 36)}_${n}`;
    return candidate;
  }

  function deriveBoardId(board) {
    return slugify(`${board.name} ${board.revision}`) || "board";
  }

  function findConnector(d, uid) {
    return d.connectors.find((c) => c.uid === uid) || null;
  }

  function findPin(d, pid) {
    for (const connector of d.connectors) {
      const pin = connector.pins.find((p) => p.pid === pid);
      if (pin) return { connector, pin };
    }
    return null;
  }

  // --- state -----------------------------------------------------------------------------
  let doc = newDoc();
  let background = null; // {kind: "asset"|"local", url, width, height, sha256, title, name, assetId, stored, missing}
  let view = { scale: 1, tx: 0, ty: 0 };
  let tool = "select";
  let selectedUid = null;
  const history = { past: [], future: [], lastKey: null };
  let serverErrors = []; // {path, message, key}
  let lastCheck = null; // {definition, valid, docJson, kind}
  let drag = null;
  let spaceHeld = false;
  let pendingFocus = null;
  let inspectorSignature = "";
  let sourcesSignature = "";
  let assetsNext = null;
  let boardsNext = null;
  let fitPending = true;

  // --- DOM -------------------------------------------------------------------------------
  const canvas = $("#canvas");
  const viewport = $("#viewport");
  const imageEl = $("#canvas-image");
  const frame = $("#image-frame");
  const shapesLayer = $("#shapes-layer");
  const draftLayer = $("#draft-layer");
  const handlesLayer = $("#handles-layer");
  const stage = $("#stage");
  const stageHint = $("#stage-hint");
  const inspectorBody = $("#inspector-body");
  const boardForm = $("#board-form");

  // --- undo / redo and saving --------------------------------------------------------------
  // commit(mutate, options): mutate(doc) changes the document in place or returns a new one.
  // options.key: consecutive commits with the same key (typing in one field) form one undo step.
  // options.clear: the field whose server-reported problems the change answers (defaults to key).
  function commit(mutate, options = {}) {
    const before = JSON.stringify(doc);
    const replacement = mutate(doc);
    if (replacement) doc = replacement;
    const after = JSON.stringify(doc);
    if (before === after) return false;
    if (!(options.key && options.key === history.lastKey)) {
      history.past.push(before);
      if (history.past.length > HISTORY_LIMIT) history.past.shift();
    }
    history.future = [];
    history.lastKey = options.key || null;
    const cleared = options.clear || options.key;
    if (cleared) serverErrors = serverErrors.filter((error) => error.key !== cleared);
    changed(options);
    return true;
  }

  function changed(options = {}) {
    if (selectedUid && !findConnector(doc, selectedUid)) selectedUid = null;
    const valid = new Set(doc.connectors.flatMap((c) => [`conn:${c.uid}`, ...c.pins.map((p) => `pin:${p.pid}`)]));
    serverErrors = serverErrors.filter((error) => !error.key || !/^(conn|pin):/.test(error.key) || valid.has(error.key.split(":").slice(0, 2).join(":")));
    save();
    render({ rebuild: options.rebuild !== false });
  }

  function undo() {
    if (!history.past.length) return;
    history.future.push(JSON.stringify(doc));
    doc = JSON.parse(history.past.pop());
    history.lastKey = null;
    inspectorSignature = "";
    changed();
  }

  function redo() {
    if (!history.future.length) return;
    history.past.push(JSON.stringify(doc));
    doc = JSON.parse(history.future.pop());
    history.lastKey = null;
    inspectorSignature = "";
    changed();
  }

  // A document read back from localStorage, with every field of the expected type.
  function normalizeDoc(saved) {
    const fresh = newDoc();
    const text = (value) => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value));
    const object = (value) => (value && typeof value === "object" && !Array.isArray(value) ? value : {});
    const board = { ...fresh.board, ...object(saved.board) };
    for (const name of Object.keys(fresh.board)) {
      if (name !== "idLocked" && name !== "notes") board[name] = text(board[name]);
    }
    board.idLocked = Boolean(board.idLocked);
    board.notes = Array.isArray(board.notes) ? board.notes.filter((note) => typeof note === "string") : [];
    const geometryOf = (g) => {
      if (!g || typeof g !== "object") return null;
      const keys = g.shape === "circle" ? ["cx", "cy", "r"] : ["x", "y", "w", "h"];
      if (!keys.every((key) => Number.isFinite(g[key]))) return null;
      return Object.fromEntries([["shape", g.shape === "circle" ? "circle" : "rect"], ...keys.map((key) => [key, g[key]])]);
    };
    return {
      board,
      sources: (Array.isArray(saved.sources) ? saved.sources : fresh.sources).map((source) => ({
        id: text(source && source.id),
        title: text(source && source.title),
        url: text(source && source.url),
        kind: text(source && source.kind) || "other",
        extra: object(source && source.extra),
      })),
      image: saved.image && typeof saved.image === "object" ? saved.image : null,
      drivers: Array.isArray(saved.drivers) ? saved.drivers : [],
      shared_signals: Array.isArray(saved.shared_signals) ? saved.shared_signals : [],
      connectors: saved.connectors
        .filter((c) => c && typeof c === "object")
        .map((c) => ({
          uid: typeof c.uid === "string" && c.uid ? c.uid : newUid("c"),
          id: text(c.id),
          idLocked: Boolean(c.idLocked),
          label: text(c.label),
          kind: text(c.kind) || "other",
          geometry: geometryOf(c.geometry),
          notes: text(c.notes),
          extra: object(c.extra),
          pins: (Array.isArray(c.pins) ? c.pins : [])
            .filter((pin) => pin && typeof pin === "object")
            .map((pin) => ({
              pid: typeof pin.pid === "string" && pin.pid ? pin.pid : newUid("p"),
              number: text(pin.number),
              function: text(pin.function) || "gpio",
              value: text(pin.value),
              extra: object(pin.extra),
            })),
        })),
    };
  }

  function backgroundForStorage() {
    if (!background) return null;
    const { kind, width, height, sha256, title, name, assetId, stored, contentType } = background;
    const entry = { kind, width, height, sha256, title, name, assetId, stored, contentType };
    if (kind === "asset") entry.url = background.url;
    return entry;
  }

  function save() {
    const status = $("#save-status");
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ version: 1, doc, background: backgroundForStorage() }));
      status.textContent = "Saved in this browser";
      status.classList.remove("warn");
    } catch (error) {
      status.textContent = "Not saved: this browser's storage is full or switched off";
      status.classList.add("warn");
    }
  }

  function restore() {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || saved.version !== 1 || !saved.doc || !Array.isArray(saved.doc.connectors)) return;
    try {
      doc = normalizeDoc(saved.doc);
    } catch (error) {
      doc = newDoc();
      $("#save-status").textContent = "The saved work could not be read; this is a new board";
      return;
    }
    $("#save-status").textContent = "Restored from this browser";
    const stored = saved.background;
    if (stored && stored.kind === "asset" && stored.assetId) {
      background = { ...stored };
      refreshAsset(stored.assetId);
    } else if (stored && stored.kind === "local") {
      const dataUrl = localStorage.getItem(IMAGE_KEY);
      background = { ...stored, url: dataUrl || null, missing: !dataUrl };
    }
  }

  // --- images: size and the entry of the definition -------------------------------------------
  function imageSize() {
    if (background && background.width && background.height) return { w: background.width, h: background.height };
    if (doc.image && doc.image.width && doc.image.height) return { w: doc.image.width, h: doc.image.height };
    return null;
  }

  // The definition's images[0]: the chosen background (id "top"), else the imported entry.
  // "file" is an asset reference: board-asset:<uuid> for an approved asset, else the local file's name.
  function imageEntry() {
    if (background) {
      const file = background.kind === "asset" ? `board-asset:${background.assetId}` : background.name || "board-image";
      return { id: "top", file, width: background.width, height: background.height, sha256: background.sha256 };
    }
    return doc.image ? clone(doc.image) : null;
  }

  function loadImage(url) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error("the image could not be loaded"));
      image.src = url;
    });
  }

  function setBackground(next) {
    background = next;
    fitPending = true;
    save();
    render({ rebuild: false });
    fitView();
  }

  async function chooseAsset(asset) {
    const status = $("#background-status");
    status.textContent = `Loading “${asset.title || asset.id}”…`;
    try {
      const image = await loadImage(asset.file_url);
      localStorage.removeItem(IMAGE_KEY);
      setBackground({
        kind: "asset",
        assetId: asset.id,
        title: asset.title || "",
        url: asset.file_url,
        width: asset.width || image.naturalWidth,
        height: asset.height || image.naturalHeight,
        sha256: asset.sha256,
        contentType: asset.content_type || "",
      });
    } catch (error) {
      status.textContent = `Could not load “${asset.title || asset.id}”: ${error.message}.`;
    }
  }

  async function refreshAsset(assetId) {
    try {
      const response = await fetch(`${root.dataset.assetsUrl}${encodeURIComponent(assetId)}/`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        if (background && background.assetId === assetId) {
          background.missing = true;
          background.note = `The board image ${assetId} is no longer available (HTTP ${response.status}).`;
          render({ rebuild: false });
        }
        return;
      }
      const asset = await response.json();
      if (background && background.assetId === assetId) {
        Object.assign(background, {
          url: asset.file_url,
          title: asset.title || background.title,
          width: asset.width || background.width,
          height: asset.height || background.height,
          sha256: asset.sha256 || background.sha256,
          missing: false,
          note: "",
        });
        save();
        render({ rebuild: false });
      }
    } catch (error) {
      // offline: keep the stored link
    }
  }

  async function chooseLocalFile(file) {
    const status = $("#background-status");
    status.textContent = `Reading ${file.name}…`;
    try {
      const buffer = await file.arrayBuffer();
      const sha256 = await sha256Hex(buffer);
      const url = URL.createObjectURL(file);
      const image = await loadImage(url);
      if (!image.naturalWidth || !image.naturalHeight) throw new Error("it has no pixel size (an SVG without width and height?)");
      let stored = false;
      if (file.size * 1.37 + 64 <= MAX_STORED_IMAGE_CHARS) {
        const dataUrl = await new Promise((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result);
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(file);
        });
        try {
          if (dataUrl.length <= MAX_STORED_IMAGE_CHARS) {
            localStorage.setItem(IMAGE_KEY, dataUrl);
            stored = true;
          }
        } catch (error) {
          stored = false;
        }
      }
      if (!stored) localStorage.removeItem(IMAGE_KEY);
      setBackground({
        kind: "local",
        name: file.name,
        url,
        width: image.naturalWidth,
        height: image.naturalHeight,
        sha256,
        stored,
        contentType: file.type || "",
      });
    } catch (error) {
      status.textContent = `Could not use ${file.name}: ${error.message}.`;
    }
  }

  // --- view: zoom and pan ----------------------------------------------------------------------
  function applyView() {
    viewport.setAttribute("transform", `translate(${view.tx} ${view.ty}) scale(${view.scale})`);
    $("#zoom-level").textContent = `${Math.round(view.scale * 100)} %`;
  }

  function fitView() {
    const size = imageSize();
    const box = canvas.getBoundingClientRect();
    if (!size || box.width < 10 || box.height < 10) return;
    const pad = 24;
    const scale = clamp(Math.min((box.width - 2 * pad) / size.w, (box.height - 2 * pad) / size.h), 0.01, 64);
    view = { scale, tx: (box.width - size.w * scale) / 2, ty: (box.height - size.h * scale) / 2 };
    fitPending = false;
    applyView();
    renderCanvas();
  }

  function zoomAt(factor, cx, cy) {
    const scale = clamp(view.scale * factor, 0.01, 64);
    const ratio = scale / view.scale;
    view = { scale, tx: cx - (cx - view.tx) * ratio, ty: cy - (cy - view.ty) * ratio };
    applyView();
    renderCanvas();
  }

  function zoomCentre(factor) {
    const box = canvas.getBoundingClientRect();
    zoomAt(factor, box.width / 2, box.height / 2);
  }

  function toImage(event) {
    const box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left - view.tx) / view.scale, y: (event.clientY - box.top - view.ty) / view.scale };
  }

  // --- geometry in image pixels ----------------------------------------------------------------
  function toPixels(geometry, size) {
    if (geometry.shape === "circle") {
      return { shape: "circle", cx: geometry.cx * size.w, cy: geometry.cy * size.h, r: geometry.r * size.w };
    }
    return { shape: "rect", x: geometry.x * size.w, y: geometry.y * size.h, w: geometry.w * size.w, h: geometry.h * size.h };
  }

  function toFractions(pixels, size) {
    if (pixels.shape === "circle") {
      // r is a fraction of the image WIDTH, like cx.
      return { shape: "circle", cx: pixels.cx / size.w, cy: pixels.cy / size.h, r: pixels.r / size.w };
    }
    return { shape: "rect", x: pixels.x / size.w, y: pixels.y / size.h, w: pixels.w / size.w, h: pixels.h / size.h };
  }

  function clampPoint(point, size) {
    return { x: clamp(point.x, 0, size.w), y: clamp(point.y, 0, size.h) };
  }

  function maxRadius(cx, cy, size) {
    return Math.max(0, Math.min(cx, size.w - cx, cy, size.h - cy));
  }

  function rectFrom(a, b) {
    return { shape: "rect", x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }

  function circleFrom(centre, edge, size) {
    const r = Math.hypot(edge.x - centre.x, edge.y - centre.y);
    return { shape: "circle", cx: centre.x, cy: centre.y, r: Math.min(r, maxRadius(centre.x, centre.y, size)) };
  }

  function bigEnough(pixels) {
    const minimum = 3 / view.scale; // three screen pixels
    return pixels.shape === "circle" ? pixels.r >= minimum : pixels.w >= minimum && pixels.h >= minimum;
  }

  // --- pointer interaction ----------------------------------------------------------------------
  function onPointerDown(event) {
    if (event.button !== 0 && event.button !== 1) return;
    canvas.focus({ preventScroll: true });
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    const point = toImage(event);
    const size = imageSize();
    const panStart = { mode: "pan", sx: event.clientX, sy: event.clientY, tx: view.tx, ty: view.ty, moved: false };
    if (event.button === 1 || spaceHeld || tool === "pan") {
      drag = panStart;
    } else if (tool === "rect" || tool === "circle") {
      if (!size) {
        flashHint("Choose a board image first (left panel).");
        drag = null;
        return;
      }
      drag = { mode: "draw", shape: tool, start: clampPoint(point, size), current: clampPoint(point, size) };
    } else {
      const handle = event.target.closest("[data-handle]");
      const body = event.target.closest("[data-uid]");
      const connector = handle ? findConnector(doc, selectedUid) : body ? findConnector(doc, body.dataset.uid) : null;
      if (connector && connector.geometry && size) {
        if (!handle) select(connector.uid);
        drag = {
          mode: handle ? "resize" : "move",
          handle: handle ? handle.dataset.handle : null,
          uid: connector.uid,
          before: JSON.stringify(doc),
          start: point,
          original: toPixels(connector.geometry, size),
        };
      } else {
        drag = { ...panStart, deselect: true };
      }
    }
    canvas.classList.toggle("dragging", Boolean(drag));
  }

  function onPointerMove(event) {
    if (!drag) return;
    const size = imageSize();
    if (drag.mode === "pan") {
      const dx = event.clientX - drag.sx;
      const dy = event.clientY - drag.sy;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.tx = drag.tx + dx;
      view.ty = drag.ty + dy;
      applyView();
      return;
    }
    if (!size) return;
    const point = toImage(event);
    if (drag.mode === "draw") {
      drag.current = clampPoint(point, size);
      renderDraft(size);
      return;
    }
    const connector = findConnector(doc, drag.uid);
    if (!connector) return;
    const o = drag.original;
    let pixels;
    if (drag.mode === "move") {
      const dx = point.x - drag.start.x;
      const dy = point.y - drag.start.y;
      pixels =
        o.shape === "circle"
          ? { ...o, cx: clamp(o.cx + dx, o.r, size.w - o.r), cy: clamp(o.cy + dy, o.r, size.h - o.r) }
          : { ...o, x: clamp(o.x + dx, 0, size.w - o.w), y: clamp(o.y + dy, 0, size.h - o.h) };
    } else if (o.shape === "circle") {
      pixels = circleFrom({ x: o.cx, y: o.cy }, clampPoint(point, size), size);
    } else {
      const p = clampPoint(point, size);
      let left = o.x;
      let right = o.x + o.w;
      let top = o.y;
      let bottom = o.y + o.h;
      if (drag.handle.includes("w")) left = p.x;
      if (drag.handle.includes("e")) right = p.x;
      if (drag.handle.includes("n")) top = p.y;
      if (drag.handle.includes("s")) bottom = p.y;
      pixels = rectFrom({ x: left, y: top }, { x: right, y: bottom });
    }
    connector.geometry = toFractions(pixels, size);
    renderCanvas();
    renderInspectorValues();
  }

  function onPointerUp(event) {
    if (!drag) return;
    const current = drag;
    drag = null;
    canvas.classList.remove("dragging");
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    draftLayer.replaceChildren();
    const size = imageSize();
    if (current.mode === "pan") {
      if (current.deselect && !current.moved) select(null);
      return;
    }
    if (current.mode === "draw") {
      if (event.type === "pointercancel" || !size) return;
      const pixels =
        current.shape === "rect" ? rectFrom(current.start, current.current) : circleFrom(current.start, current.current, size);
      if (!bigEnough(pixels)) return;
      placeShape(toFractions(pixels, size));
      return;
    }
    // move / resize: one undo step for the whole drag
    if (JSON.stringify(doc) !== current.before) {
      history.past.push(current.before);
      if (history.past.length > HISTORY_LIMIT) history.past.shift();
      history.future = [];
      history.lastKey = null;
      changed({ rebuild: false });
    }
  }

  // A drawn shape places the selected connector when it has none yet, else makes a new connector.
  function placeShape(geometry) {
    const target = findConnector(doc, selectedUid);
    let uid;
    if (target && !target.geometry) {
      uid = target.uid;
      commit((d) => {
        findConnector(d, uid).geometry = geometry;
      });
      setTool("select");
      select(uid);
    } else {
      commit((d) => {
        const connector = newConnector(d, geometry);
        uid = connector.uid;
        d.connectors.push(connector);
      });
      setTool("select");
      select(uid);
      const label = $(`[data-key="conn:${uid}:label"]`);
      if (label) {
        label.focus();
        label.select();
      }
    }
  }

  function onWheel(event) {
    event.preventDefault();
    const box = canvas.getBoundingClientRect();
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomAt(Math.pow(1.0015, -delta), event.clientX - box.left, event.clientY - box.top);
  }

  function flashHint(text) {
    stageHint.textContent = text;
    stageHint.hidden = false;
    stageHint.classList.add("flash");
    setTimeout(() => stageHint.classList.remove("flash"), 600);
  }

  // --- keyboard -------------------------------------------------------------------------------
  function isTextField(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
    return element.tagName === "INPUT" && !["button", "checkbox", "radio", "file", "submit", "reset"].includes(element.type);
  }

  function onKeyDown(event) {
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && !event.altKey && (key === "z" || key === "y")) {
      // The designer's undo covers text fields too: one step per field edit.
      event.preventDefault();
      if (key === "y" || event.shiftKey) redo();
      else undo();
      return;
    }
    if (isTextField(event.target) || mod || event.altKey) return;
    if (event.key === " " && (event.target === canvas || event.target === document.body)) {
      spaceHeld = true;
      canvas.classList.add("space-pan");
      event.preventDefault();
      return;
    }
    const arrows = { arrowleft: [-1, 0], arrowright: [1, 0], arrowup: [0, -1], arrowdown: [0, 1] };
    if (arrows[key] && (event.target === canvas || event.target === document.body)) {
      event.preventDefault();
      nudge(...arrows[key].map((n) => n * (event.shiftKey ? 10 : 1)));
      return;
    }
    const actions = {
      v: () => setTool("select"),
      r: () => setTool("rect"),
      c: () => setTool("circle"),
      h: () => setTool("pan"),
      delete: deleteSelected,
      backspace: deleteSelected,
      escape: () => {
        if (drag && drag.mode === "draw") {
          drag = null;
          draftLayer.replaceChildren();
        } else if (tool !== "select") setTool("select");
        else select(null);
      },
      "+": () => zoomCentre(1.25),
      "=": () => zoomCentre(1.25),
      "-": () => zoomCentre(0.8),
      0: fitView,
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    }
  }

  function onKeyUp(event) {
    if (event.key === " ") {
      spaceHeld = false;
      canvas.classList.remove("space-pan");
    }
  }

  function nudge(dx, dy) {
    const size = imageSize();
    const connector = findConnector(doc, selectedUid);
    if (!size || !connector || !connector.geometry) return;
    commit(
      (d) => {
        const c = findConnector(d, selectedUid);
        const o = toPixels(c.geometry, size);
        const moved =
          o.shape === "circle"
            ? { ...o, cx: clamp(o.cx + dx, o.r, size.w - o.r), cy: clamp(o.cy + dy, o.r, size.h - o.r) }
            : { ...o, x: clamp(o.x + dx, 0, size.w - o.w), y: clamp(o.y + dy, 0, size.h - o.h) };
        c.geometry = toFractions(moved, size);
      },
      { key: `nudge:${selectedUid}`, rebuild: false }
    );
  }

  function setTool(next) {
    tool = next;
    canvas.dataset.tool = next;
    $$(".tool").forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.tool === next)));
    renderCanvas();
  }

  function select(uid) {
    if (selectedUid === uid) return;
    selectedUid = uid;
    history.lastKey = null;
    render({ rebuild: true });
  }

  function deleteSelected() {
    const uid = selectedUid;
    if (!uid) return;
    commit((d) => {
      d.connectors = d.connectors.filter((c) => c.uid !== uid);
    });
  }

  // --- problems: checked in the browser, and reported by the server ------------------------------
  function localProblems() {
    const problems = new Map();
    const add = (key, message) => {
      if (!problems.has(key)) problems.set(key, []);
      problems.get(key).push(message);
    };
    const b = doc.board;
    for (const field of ["name", "manufacturer", "revision"]) if (!b[field].trim()) add(`board:${field}`, "Required.");
    if (!BOARD_SLUG.test(b.id)) add("board:id", "Lower-case letters and digits, with single - or . between them (e.g. btt-skr-mini-e3-v3.0).");
    else if (b.id.length > 80) add("board:id", "At most 80 characters.");
    if (!CHIP_NAME.test(b.chip)) add("board:chip", "Klipper's lower-case chip name, e.g. stm32g0b1 or rp2040.");
    if (b.secondary_mcu && !ALIAS_PART.test(b.secondary_mcu)) add("board:secondary_mcu", "Letters, digits and _ only, as in [mcu EBBCan].");
    if (b.secondary_mcu === "mcu") add("board:secondary_mcu", "'mcu' is Klipper's name for the main MCU.");
    if (!b.header_notes.trim()) add("board:header_notes", "Say how the header pins are counted.");
    const sourceIds = new Set();
    doc.sources.forEach((source, index) => {
      if (!source.id.trim()) add(`source:${index}:id`, "Required.");
      else if (sourceIds.has(source.id)) add(`source:${index}:id`, `Duplicate id ${source.id}.`);
      sourceIds.add(source.id);
      if (!source.title.trim()) add(`source:${index}:title`, "Required.");
      if (!/^https:\/\//.test(source.url)) add(`source:${index}:url`, "An https:// link.");
    });

    const family = b.family;
    const ids = new Map();
    const uses = new Map(); // MCU pin -> [{connector, pin}]
    const shared = new Set(doc.shared_signals.map((signal) => signal.mcu_pin));
    const driverPins = new Map();
    for (const driver of doc.drivers) {
      for (const [signal, pin] of Object.entries(driver.signals || {})) {
        if (!driverPins.has(pin)) driverPins.set(pin, []);
        driverPins.get(pin).push({ driver, signal });
      }
    }
    for (const connector of doc.connectors) {
      if (!connector.label.trim()) add(`conn:${connector.uid}:label`, "Enter the label printed on the board.");
      if (!connector.id) add(`conn:${connector.uid}:id`, "Required.");
      else if (!ALIAS_PART.test(connector.id)) {
        add(`conn:${connector.uid}:id`, "Letters, digits and _ only: Klipper aliases are <ID>_<pin>, e.g. EXP1_3.");
      } else if (connector.id.length > 40) add(`conn:${connector.uid}:id`, "At most 40 characters.");
      const upper = connector.id.toUpperCase();
      if (connector.id && ids.has(upper)) add(`conn:${connector.uid}:id`, `Duplicate id: also “${ids.get(upper).label}”.`);
      else ids.set(upper, connector);
      const numbers = new Set();
      for (const pin of connector.pins) {
        const number = parsePinNumber(pin.number);
        if (number.error) add(`pin:${pin.pid}:number`, number.error);
        else if (numbers.has(String(number.number))) add(`pin:${pin.pid}:number`, `Pin ${number.number} appears twice on this connector.`);
        numbers.add(String(number.number));
        if (!PIN_FUNCTIONS.includes(pin.function)) add(`pin:${pin.pid}:function`, "Choose a function.");
        const value = parsePinValue(pin.value, pin.function, family);
        if (value.error) {
          add(`pin:${pin.pid}:value`, value.error);
          continue;
        }
        if (value.pin) {
          if (pin.function === "thermistor_adc" && !pinAdcCapable(family, b.chip, value.pin)) {
            add(`pin:${pin.pid}:value`, `thermistor on ${value.pin}, which is not an ADC pin of the ${b.chip}`);
          }
          if (!uses.has(value.pin)) uses.set(value.pin, []);
          uses.get(value.pin).push({ connector, pin });
        }
      }
    }
    for (const [name, list] of uses) {
      if (shared.has(name)) continue;
      list.forEach((use, index) => {
        if (index > 0) {
          const first = list[0];
          add(`pin:${use.pin.pid}:value`, `${name} is also ${first.connector.label || first.connector.id} pin ${first.pin.number}.`);
        }
        for (const { driver, signal } of driverPins.get(name) || []) {
          if (!(driver.feeds || []).includes(use.connector.id)) {
            add(`pin:${use.pin.pid}:value`, `${name} is also driver ${driver.id}'s ${signal} signal (declare a shared signal if that is right).`);
          }
        }
      });
    }
    return problems;
  }

  // Where a server error's JSON pointer lands in the editor, resolved with the index of the check.
  function keyForPath(path, index) {
    const parts = path
      .split("/")
      .slice(1)
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (parts[0] === "connectors" && parts.length >= 2) {
      const entry = index.connectors[Number(parts[1])];
      if (!entry) return null;
      if (parts[2] === "pins" && parts.length >= 4) {
        const pid = entry.pids[Number(parts[3])];
        if (!pid) return `conn:${entry.uid}:general`;
        const field = parts[4];
        return `pin:${pid}:${field === "number" ? "number" : field === "function" ? "function" : "value"}`;
      }
      const field = parts[2];
      if (["label", "id", "kind", "notes", "geometry"].includes(field)) return `conn:${entry.uid}:${field}`;
      return `conn:${entry.uid}:general`;
    }
    if (parts[0] === "sources" && parts.length >= 3 && ["id", "title", "url", "kind"].includes(parts[2])) {
      return `source:${parts[1]}:${parts[2]}`;
    }
    const board = {
      "/id": "board:id",
      "/name": "board:name",
      "/manufacturer": "board:manufacturer",
      "/revision": "board:revision",
      "/mcu/family": "board:family",
      "/mcu/chip": "board:chip",
      "/secondary_mcu": "board:secondary_mcu",
      "/header_numbering/convention": "board:convention",
      "/header_numbering/notes": "board:header_notes",
    };
    return board[path] || null;
  }

  function allProblems() {
    const problems = localProblems();
    for (const error of serverErrors) {
      if (!error.key) continue;
      if (!problems.has(error.key)) problems.set(error.key, []);
      const list = problems.get(error.key);
      const text = `Server: ${error.message}`;
      if (!list.includes(text) && !list.includes(error.message)) list.push(text);
    }
    return problems;
  }

  function problemCounts(problems) {
    const owner = new Map();
    for (const connector of doc.connectors) for (const pin of connector.pins) owner.set(pin.pid, connector.uid);
    const counts = new Map();
    for (const [key, messages] of problems) {
      const [type, id] = key.split(":");
      const uid = type === "conn" ? id : type === "pin" ? owner.get(id) : null;
      if (uid) counts.set(uid, (counts.get(uid) || 0) + messages.length);
    }
    return counts;
  }

  // --- the definition ---------------------------------------------------------------------------
  function roundedGeometry(geometry, imageId) {
    const six = (value) => clamp(Math.round(value * 1e6), 0, 1e6);
    if (geometry.shape === "circle") {
      return { image: imageId, shape: "circle", cx: six(geometry.cx) / 1e6, cy: six(geometry.cy) / 1e6, r: six(geometry.r) / 1e6 };
    }
    const x = six(geometry.x);
    const y = six(geometry.y);
    let w = Math.min(six(geometry.w), 1e6 - x);
    let h = Math.min(six(geometry.h), 1e6 - y);
    // The server checks x + w <= 1 in floating point: keep the rounded sum inside too.
    while (w > 0 && x / 1e6 + w / 1e6 > 1) w -= 1;
    while (h > 0 && y / 1e6 + h / 1e6 > 1) h -= 1;
    return { image: imageId, shape: "rect", x: x / 1e6, y: y / 1e6, w: w / 1e6, h: h / 1e6 };
  }

  function pinOut(pin, family) {
    const out = { number: parsePinNumber(pin.number).number, function: pin.function };
    const value = parsePinValue(pin.value, pin.function, family);
    if (value.net) out.net = value.net;
    else {
      out.mcu_pin = value.pin !== undefined ? value.pin : pin.value.trim();
      if (value.pull) out.default_pull = value.pull;
      if (value.invert) out.default_invert = true;
    }
    for (const [name, extra] of Object.entries(pin.extra || {})) {
      if (!(name in out) && !["default_pull", "default_invert"].includes(name)) out[name] = extra;
    }
    return out;
  }

  function buildDefinition() {
    const b = doc.board;
    const definition = {
      schema_version: 1,
      id: b.id.trim(),
      name: b.name.trim(),
      manufacturer: b.manufacturer.trim(),
      revision: b.revision.trim(),
      mcu: { family: b.family, chip: b.chip.trim() },
    };
    if (b.klipper_build_notes && b.klipper_build_notes.trim()) definition.mcu.klipper_build_notes = b.klipper_build_notes.trim();
    if (b.secondary_mcu.trim()) definition.secondary_mcu = b.secondary_mcu.trim();
    definition.sources = doc.sources.map((source) => {
      const out = { id: source.id.trim(), title: source.title.trim(), url: source.url.trim(), kind: source.kind };
      return { ...out, ...(source.extra || {}) };
    });
    definition.header_numbering = { convention: b.convention, notes: b.header_notes.trim() };
    const image = imageEntry();
    definition.images = image ? [image] : [];
    definition.drivers = clone(doc.drivers);
    definition.connectors = doc.connectors.map((connector) => {
      const out = { id: connector.id, label: connector.label.trim() };
      const extra = connector.extra || {};
      if (extra.label_source !== undefined) out.label_source = extra.label_source;
      out.kind = connector.kind;
      if (extra.source !== undefined) out.source = extra.source;
      if (connector.geometry && image) out.geometry = roundedGeometry(connector.geometry, image.id);
      out.pins = connector.pins.map((pin) => pinOut(pin, b.family));
      if (connector.notes.trim()) out.notes = connector.notes.trim();
      for (const [name, value] of Object.entries(extra)) if (!(name in out)) out[name] = value;
      return out;
    });
    definition.shared_signals = clone(doc.shared_signals);
    const notes = (b.notes || []).filter((note) => typeof note === "string" && note.trim());
    if (notes.length) definition.notes = notes;
    return definition;
  }

  function exportIndex() {
    return { connectors: doc.connectors.map((c) => ({ uid: c.uid, pids: c.pins.map((p) => p.pid) })) };
  }

  // --- import -----------------------------------------------------------------------------------
  function docFromDefinition(definition) {
    if (!definition || typeof definition !== "object" || Array.isArray(definition) || !Array.isArray(definition.connectors)) {
      throw new Error("this is not a board definition (it has no connectors list)");
    }
    const text = (value, fallback = "") => (typeof value === "string" ? value : fallback);
    const fresh = newDoc();
    const mcu = definition.mcu || {};
    const header = definition.header_numbering || {};
    const image = Array.isArray(definition.images) && definition.images[0] ? clone(definition.images[0]) : null;
    const result = {
      board: {
        id: text(definition.id),
        idLocked: true,
        name: text(definition.name),
        manufacturer: text(definition.manufacturer),
        revision: text(definition.revision),
        family: FAMILIES.includes(mcu.family) ? mcu.family : "stm32",
        chip: text(mcu.chip),
        klipper_build_notes: text(mcu.klipper_build_notes),
        secondary_mcu: text(definition.secondary_mcu),
        convention: header.convention === "klipper" ? "klipper" : "silkscreen",
        header_notes: text(header.notes),
        notes: Array.isArray(definition.notes) ? definition.notes.filter((n) => typeof n === "string") : [],
      },
      sources: (Array.isArray(definition.sources) ? definition.sources : []).map((source) => {
        const { id, title, url, kind, ...extra } = source || {};
        return { id: text(id), title: text(title), url: text(url), kind: SOURCE_KINDS.includes(kind) ? kind : "other", extra };
      }),
      image,
      drivers: Array.isArray(definition.drivers) ? clone(definition.drivers) : [],
      shared_signals: Array.isArray(definition.shared_signals) ? clone(definition.shared_signals) : [],
      connectors: [],
    };
    if (!result.sources.some((source) => source.id === DESIGNER_SOURCE_ID)) result.sources.push(fresh.sources[0]);
    for (const item of definition.connectors) {
      const { id, label, kind, geometry, pins, notes, ...extra } = item || {};
      let placed = null;
      if (geometry && image && geometry.image === image.id) {
        placed =
          geometry.shape === "circle"
            ? { shape: "circle", cx: Number(geometry.cx), cy: Number(geometry.cy), r: Number(geometry.r) }
            : { shape: "rect", x: Number(geometry.x), y: Number(geometry.y), w: Number(geometry.w), h: Number(geometry.h) };
        if (Object.values(placed).some((value) => typeof value === "number" && !Number.isFinite(value))) placed = null;
      }
      result.connectors.push({
        uid: newUid("c"),
        id: text(id),
        idLocked: true,
        label: text(label),
        kind: text(kind, "other"),
        geometry: placed,
        notes: text(notes),
        extra,
        pins: (Array.isArray(pins) ? pins : []).map((pin) => {
          const { number, function: fn, mcu_pin: _mcu, net: _net, default_pull: _pull, default_invert: _invert, ...rest } = pin || {};
          return {
            pid: newUid("p"),
            number: number === undefined ? "" : String(number),
            function: text(fn, "gpio"),
            value: composePinValue(pin || {}),
            extra: rest,
          };
        }),
      });
    }
    return result;
  }

  function importDefinition(definition, origin) {
    const status = $("#import-status");
    let next;
    try {
      next = docFromDefinition(definition);
    } catch (error) {
      status.textContent = `Could not import ${origin}: ${error.message}.`;
      status.classList.add("warn");
      return false;
    }
    selectedUid = null;
    inspectorSignature = "";
    commit(() => next);
    const unplaced = next.connectors.filter((c) => !c.geometry).length;
    status.classList.remove("warn");
    status.textContent =
      `Imported ${next.board.name || next.board.id} from ${origin}: ${plural(next.connectors.length, "connector")}` +
      (unplaced ? `, ${unplaced} not placed (select one and draw its shape).` : ".");
    const match = next.image && /^board-asset:([0-9a-fA-F-]{36})$/.exec(next.image.file || "");
    if (match && !(background && background.assetId === match[1])) {
      background = { kind: "asset", assetId: match[1], title: "", url: null, width: next.image.width, height: next.image.height, sha256: next.image.sha256 };
      refreshAsset(match[1]);
    }
    fitPending = true;
    render({ rebuild: true });
    fitView();
    return true;
  }

  async function importFile(file) {
    try {
      importDefinition(JSON.parse(await file.text()), file.name);
    } catch (error) {
      const status = $("#import-status");
      status.classList.add("warn");
      status.textContent = `Could not read ${file.name}: ${error.message}.`;
    }
  }

  async function searchCatalog(url) {
    const list = $("#catalog-list");
    const status = $("#import-status");
    const append = Boolean(url);
    if (!url) {
      const params = new URLSearchParams({ page_size: "20" });
      const query = $("#catalog-search").value.trim();
      if (query) params.set("search", query);
      url = `${root.dataset.boardsUrl}?${params}`;
    }
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const page = await response.json();
      const items = page.results.map((board) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "catalog-result", "data-testid": "catalog-result", dataset: { boardId: board.id } },
            h("span", { class: "name", text: board.name }),
            h("small", { text: [board.manufacturer, board.revision, board.mcu_chip].filter(Boolean).join(" · ") })
          )
        )
      );
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      if (!append && !items.length) list.append(h("li", { class: "empty", text: "No board matches." }));
      boardsNext = page.next;
      $('[data-action="more-boards"]').hidden = !boardsNext;
    } catch (error) {
      status.textContent = `The board catalog is unavailable (${error.message}).`;
    }
  }

  async function importCatalogBoard(boardId) {
    const status = $("#import-status");
    status.textContent = `Loading ${boardId}…`;
    try {
      const response = await fetch(`${root.dataset.boardsUrl}${encodeURIComponent(boardId)}/`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      importDefinition(await response.json(), `the catalog (${boardId})`);
    } catch (error) {
      status.textContent = `Could not load ${boardId}: ${error.message}.`;
    }
  }

  // --- assets list -------------------------------------------------------------------------------
  async function loadAssets(url) {
    const list = $("#asset-list");
    const append = Boolean(url);
    try {
      const response = await fetch(url || `${root.dataset.assetsUrl}?page_size=24`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const page = await response.json();
      const items = page.results.map((asset) => {
        const button = h(
          "button",
          {
            type: "button",
            class: "asset-option",
            "data-testid": "asset-option",
            dataset: { assetId: asset.id },
            "aria-pressed": String(Boolean(background && background.assetId === asset.id)),
            title: asset.description || asset.title || asset.id,
          },
          asset.thumbnail_url ? h("img", { src: asset.thumbnail_url, alt: "", loading: "lazy" }) : h("span", { class: "no-thumb", text: "no preview" }),
          h("span", { class: "asset-title", text: asset.title || "untitled" }),
          h("small", { text: asset.width && asset.height ? `${asset.width}×${asset.height}` : asset.content_type || "" })
        );
        button.addEventListener("click", () => chooseAsset(asset));
        return h("li", {}, button);
      });
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      if (!append && !items.length) list.append(h("li", { class: "empty", text: "No approved images yet." }));
      assetsNext = page.next;
      $('[data-action="more-assets"]').hidden = !assetsNext;
    } catch (error) {
      list.replaceChildren(h("li", { class: "empty", text: `The image list is unavailable (${error.message}).` }));
    }
  }

  // --- talking to the server ------------------------------------------------------------------------
  async function postDefinition(url, definition) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/plain" },
      body: JSON.stringify(definition),
      credentials: "omit", // the endpoints are pure computations; no session, no CSRF token
    });
  }

  function showServerErrors(errors, index) {
    serverErrors = errors.map((error) => ({
      path: String(error.path || ""),
      message: String(error.message || ""),
      key: keyForPath(String(error.path || ""), index),
    }));
  }

  async function readErrorBody(response) {
    try {
      const body = await response.json();
      const detail = Array.isArray(body.detail) ? body.detail.join(" ") : String(body.detail || "");
      return { detail, errors: Array.isArray(body.errors) ? body.errors : [] };
    } catch (error) {
      return { detail: `HTTP ${response.status}`, errors: [] };
    }
  }

  async function checkDefinition() {
    const status = $("#validation-status");
    const definition = buildDefinition();
    const index = exportIndex();
    const docJson = JSON.stringify(doc);
    status.textContent = "Checking with the server…";
    status.className = "validation-status";
    $('[data-action="download-definition"]').hidden = true;
    $('[data-action="download-anyway"]').hidden = true;
    let verdict;
    try {
      const response = await postDefinition(root.dataset.validateUrl, definition);
      if (!response.ok) {
        const body = await readErrorBody(response);
        throw new Error(body.detail || `HTTP ${response.status}`);
      }
      verdict = await response.json();
    } catch (error) {
      status.textContent = `The server could not check the definition: ${error.message}`;
      status.className = "validation-status bad";
      return null;
    }
    showServerErrors(verdict.errors || [], index);
    lastCheck = { definition, valid: Boolean(verdict.valid), docJson };
    status.textContent = verdict.valid
      ? "Valid: the server accepts this definition."
      : `Not valid: ${plural(serverErrors.length, "problem")} (listed below and next to the connectors).`;
    status.className = `validation-status ${verdict.valid ? "good" : "bad"}`;
    render({ rebuild: false });
    $('[data-action="download-definition"]').hidden = !verdict.valid;
    $('[data-action="download-anyway"]').hidden = Boolean(verdict.valid);
    return lastCheck;
  }

  function download(text, filename, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = h("a", { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function downloadChecked() {
    if (!lastCheck || lastCheck.docJson !== JSON.stringify(doc)) {
      $("#validation-status").textContent = "Changed since the last check: check again before downloading.";
      return;
    }
    const definition = lastCheck.definition;
    download(`${JSON.stringify(definition, null, 2)}\n`, `${definition.id || "board"}.json`, "application/json");
  }

  async function exportKlipper() {
    const status = $("#validation-status");
    const box = $("#klipper-box");
    const definition = buildDefinition();
    const index = exportIndex();
    status.textContent = "Generating the Klipper config…";
    status.className = "validation-status";
    try {
      const response = await postDefinition(root.dataset.klipperUrl, definition);
      if (!response.ok) {
        const body = await readErrorBody(response);
        showServerErrors(body.errors, index);
        lastCheck = { definition, valid: false, docJson: JSON.stringify(doc) };
        status.textContent = `No Klipper config: ${body.detail || `HTTP ${response.status}`} (${plural(serverErrors.length, "problem")} below)`;
        status.className = "validation-status bad";
        if (box.open) box.close();
        render({ rebuild: false });
        return;
      }
      const text = await response.text();
      serverErrors = [];
      $("#klipper-cfg").value = text;
      $("#copy-status").textContent = "";
      if (!box.open) box.show();
      box.dataset.boardId = definition.id;
      status.textContent = "Klipper config generated.";
      status.className = "validation-status good";
      render({ rebuild: false });
    } catch (error) {
      status.textContent = `The server could not generate the config: ${error.message}`;
      status.className = "validation-status bad";
    }
  }

  async function copyKlipper() {
    const area = $("#klipper-cfg");
    const status = $("#copy-status");
    try {
      if (!navigator.clipboard) throw new Error("no clipboard API");
      await navigator.clipboard.writeText(area.value);
      status.textContent = "Copied.";
    } catch (error) {
      area.focus();
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      status.textContent = ok ? "Copied." : "Select the text and copy it (Ctrl+C).";
    }
  }

  // --- rendering -------------------------------------------------------------------------------------
  function render(options = {}) {
    const problems = allProblems();
    const counts = problemCounts(problems);
    renderToolbar();
    renderBoardForm();
    renderSources();
    renderBackground();
    renderCanvas(counts);
    renderList(counts);
    renderInspector(Boolean(options.rebuild));
    renderProblems(problems);
    renderCheckList();
    if (pendingFocus) {
      const element = $(`[data-key="${pendingFocus}"]`);
      pendingFocus = null;
      if (element) element.focus();
    }
  }

  function renderToolbar() {
    $('[data-action="undo"]').disabled = !history.past.length;
    $('[data-action="redo"]').disabled = !history.future.length;
    $('[data-action="delete"]').disabled = !selectedUid;
  }

  function setValue(element, value) {
    if (element && element.value !== value) element.value = value;
  }

  function renderBoardForm() {
    const b = doc.board;
    for (const element of $$("[data-field]", boardForm)) {
      const field = element.dataset.field;
      element.dataset.key = `board:${field}`;
      setValue(element, String(b[field] ?? ""));
    }
  }

  function renderSources() {
    const container = $("#sources");
    const signature = String(doc.sources.length);
    if (signature !== sourcesSignature) {
      sourcesSignature = signature;
      const rows = doc.sources.map((source, index) => {
        const field = (name, label, input) => {
          input.dataset.key = `source:${index}:${name}`;
          input.id = `source-${index}-${name}`;
          return h(
            "div",
            { class: "source-field" },
            h("label", { for: input.id, text: label }),
            input,
            h("span", { class: "field-error", "data-error-for": `source:${index}:${name}`, hidden: true })
          );
        };
        return h(
          "fieldset",
          { class: "source", "data-testid": "source-row" },
          h("legend", { text: `Source ${index + 1}` }),
          field("id", "Id", h("input", { autocomplete: "off", "data-testid": "source-id" })),
          field("kind", "Kind", selectElement(SOURCE_KINDS, source.kind, { "data-testid": "source-kind" })),
          field("title", "Title", h("input", { autocomplete: "off", "data-testid": "source-title" })),
          field("url", "Link (https)", h("input", { type: "url", autocomplete: "off", "data-testid": "source-url" })),
          doc.sources.length > 1
            ? h("button", { type: "button", class: "link", dataset: { removeSource: String(index) }, text: "Remove source" })
            : null
        );
      });
      container.replaceChildren(...rows);
    }
    doc.sources.forEach((source, index) => {
      for (const name of ["id", "kind", "title", "url"]) setValue($(`[data-key="source:${index}:${name}"]`, container), source[name]);
    });
  }

  function renderBackground() {
    const status = $("#background-status");
    const preview = $("#background-preview");
    const parts = [];
    if (background) {
      const name = background.kind === "asset" ? `“${background.title || background.assetId}” (approved image)` : background.name;
      parts.push(`${name}, ${background.width}×${background.height} px, sha256 ${String(background.sha256 || "").slice(0, 12)}…`);
      if (background.kind === "local" && background.missing) {
        parts.push(`Pick ${background.name} again with the file field below: it was too large to keep in this browser.`);
      } else if (background.kind === "local" && !background.stored) {
        parts.push("Too large to keep in this browser (over 4 MB): after a reload you will be asked to pick it again.");
      } else if (background.kind === "local") {
        parts.push("Kept in this browser only; it is never uploaded.");
      }
      if (background.note) parts.push(background.note);
      if (doc.image && doc.image.sha256 && background.sha256 && doc.image.sha256 !== background.sha256) {
        parts.push("The imported shapes were drawn on a different image (its sha256 differs): check their positions.");
      }
    } else if (doc.image) {
      parts.push(
        `The imported definition was drawn on “${doc.image.file}” (${doc.image.width}×${doc.image.height} px): choose that image to see it behind the shapes.`
      );
    } else {
      parts.push("No image yet: choose an approved image or a local file.");
    }
    status.textContent = parts.join(" ");
    status.classList.toggle("warn", Boolean(background && (background.missing || background.note)));
    if (background && background.url && !background.missing) {
      if (preview.getAttribute("src") !== background.url) preview.src = background.url;
      preview.alt = `Board image: ${background.kind === "asset" ? background.title || "approved image" : background.name}`;
      preview.hidden = false;
    } else {
      preview.removeAttribute("src");
      preview.hidden = true;
    }
    $$(".asset-option").forEach((button) =>
      button.setAttribute("aria-pressed", String(Boolean(background && background.assetId === button.dataset.assetId)))
    );
  }

  function renderCanvas(counts) {
    if (!counts) counts = problemCounts(allProblems());
    const size = imageSize();
    const scale = view.scale;
    if (background && background.url && !background.missing) {
      if (imageEl.getAttribute("href") !== background.url) imageEl.setAttribute("href", background.url);
    } else {
      imageEl.removeAttribute("href");
    }
    for (const element of [imageEl, frame]) {
      element.setAttribute("width", size ? size.w : 0);
      element.setAttribute("height", size ? size.h : 0);
    }
    const fontSize = 13 / scale;
    const shapes = [];
    if (size) {
      for (const connector of doc.connectors) {
        if (!connector.geometry) continue;
        const p = toPixels(connector.geometry, size);
        const problems = counts.get(connector.uid) || 0;
        const classes = ["shape", `kind-${connector.kind}`];
        if (connector.uid === selectedUid) classes.push("selected");
        if (problems) classes.push("has-error");
        const group = svg("g", {
          class: classes.join(" "),
          "data-testid": "shape",
          "data-uid": connector.uid,
          "data-connector-id": connector.id,
          "data-shape": p.shape,
        });
        const body =
          p.shape === "circle"
            ? svg("circle", { class: "body", cx: p.cx, cy: p.cy, r: p.r, "data-testid": "shape-body" })
            : svg("rect", { class: "body", x: p.x, y: p.y, width: p.w, height: p.h, "data-testid": "shape-body" });
        const title = svg("title", { text: `${connector.label || connector.id} (${connector.kind})` });
        body.append(title);
        const anchorX = p.shape === "circle" ? p.cx - p.r : p.x;
        const anchorY = p.shape === "circle" ? p.cy - p.r : p.y;
        const label = svg("text", {
          class: "shape-label",
          x: anchorX,
          y: anchorY - 4 / scale,
          "font-size": fontSize,
          "data-testid": "shape-label",
          text: connector.label || connector.id || "(no label)",
        });
        group.append(body, label);
        if (problems) {
          const bx = p.shape === "circle" ? p.cx + p.r * 0.7071 : p.x + p.w;
          const by = p.shape === "circle" ? p.cy - p.r * 0.7071 : p.y;
          const badge = svg("g", { class: "error-badge", "data-testid": "shape-error-badge" });
          badge.append(
            svg("circle", { cx: bx, cy: by, r: 8 / scale }),
            svg("text", { x: bx, y: by + 4 / scale, "font-size": 11 / scale, text: String(problems) })
          );
          group.append(badge);
        }
        shapes.push(group);
      }
    }
    shapesLayer.replaceChildren(...shapes);

    const handles = [];
    const selected = findConnector(doc, selectedUid);
    if (size && selected && selected.geometry && tool === "select") {
      const p = toPixels(selected.geometry, size);
      const half = 5 / scale;
      const spots =
        p.shape === "circle"
          ? { e: [p.cx + p.r, p.cy], w: [p.cx - p.r, p.cy], n: [p.cx, p.cy - p.r], s: [p.cx, p.cy + p.r] }
          : {
              nw: [p.x, p.y],
              n: [p.x + p.w / 2, p.y],
              ne: [p.x + p.w, p.y],
              e: [p.x + p.w, p.y + p.h / 2],
              se: [p.x + p.w, p.y + p.h],
              s: [p.x + p.w / 2, p.y + p.h],
              sw: [p.x, p.y + p.h],
              w: [p.x, p.y + p.h / 2],
            };
      for (const [name, [x, y]] of Object.entries(spots)) {
        handles.push(
          svg("rect", {
            class: `handle handle-${p.shape === "circle" ? "radius" : name}`,
            "data-handle": name,
            "data-testid": `handle-${name}`,
            x: x - half,
            y: y - half,
            width: 2 * half,
            height: 2 * half,
          })
        );
      }
    }
    handlesLayer.replaceChildren(...handles);

    let hint = "";
    if (!size) hint = "Choose a board image (left) to start drawing connectors.";
    else if (selected && !selected.geometry) hint = `Draw a rectangle (R) or circle (C) to place “${selected.label || selected.id}”.`;
    else if (tool === "rect") hint = "Drag to draw a rectangle.";
    else if (tool === "circle") hint = "Press at the centre and drag out the radius.";
    stageHint.textContent = hint;
    stageHint.hidden = !hint;
  }

  function renderDraft(size) {
    if (!drag || drag.mode !== "draw") return;
    const p = drag.shape === "rect" ? rectFrom(drag.start, drag.current) : circleFrom(drag.start, drag.current, size);
    draftLayer.replaceChildren(
      p.shape === "circle"
        ? svg("circle", { class: "draft", cx: p.cx, cy: p.cy, r: p.r })
        : svg("rect", { class: "draft", x: p.x, y: p.y, width: p.w, height: p.h })
    );
  }

  function renderList(counts) {
    const list = $("#connector-list");
    const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.uid : null;
    $("#connector-count").textContent = String(doc.connectors.length);
    const items = doc.connectors.map((connector) => {
      const problems = counts.get(connector.uid) || 0;
      const button = h(
        "button",
        {
          type: "button",
          class: "connector-item",
          "data-testid": "connector-item",
          dataset: { uid: connector.uid, connectorId: connector.id },
          "aria-current": connector.uid === selectedUid ? "true" : null,
        },
        h("span", { class: "label", "data-testid": "connector-item-label", text: connector.label || "(no label)" }),
        " ",
        h("span", { class: "id", text: connector.id }),
        " ",
        h("span", { class: "kind", text: connector.kind }),
        connector.geometry ? null : [" ", h("span", { class: "tag", "data-testid": "not-placed", text: "not placed" })],
        problems ? [" ", h("span", { class: "badge", "data-testid": "connector-problems", text: plural(problems, "problem") })] : null
      );
      return h("li", {}, button);
    });
    if (!items.length) items.push(h("li", { class: "empty", text: "No connectors yet: draw one on the image." }));
    list.replaceChildren(...items);
    if (focused) {
      const again = $(`[data-uid="${CSS.escape(focused)}"]`, list);
      if (again) again.focus();
    }
  }

  function field(label, control, key, extra) {
    control.dataset.key = key;
    control.id = `in-${key}`;
    control.setAttribute("aria-describedby", `err-${key}`);
    return h(
      "div",
      { class: "field" },
      h("label", { for: control.id, text: label }),
      control,
      extra || null,
      h("span", { class: "field-error", id: `err-${key}`, "data-error-for": key, hidden: true })
    );
  }

  function renderInspector(rebuild) {
    const connector = findConnector(doc, selectedUid);
    $("#inspector-empty").hidden = Boolean(connector);
    inspectorBody.hidden = !connector;
    if (!connector) {
      inspectorBody.replaceChildren();
      inspectorSignature = "";
      return;
    }
    const signature = `${connector.uid}|${connector.pins.map((p) => p.pid).join(",")}|${Boolean(connector.geometry)}`;
    if (rebuild || signature !== inspectorSignature) {
      const active = document.activeElement && inspectorBody.contains(document.activeElement) ? document.activeElement : null;
      const activeKey = active ? active.dataset.key : null;
      const selection = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
      buildInspector(connector);
      inspectorSignature = signature;
      if (activeKey && !pendingFocus) {
        const again = $(`[data-key="${CSS.escape(activeKey)}"]`, inspectorBody);
        if (again) {
          again.focus();
          if (selection && typeof again.setSelectionRange === "function") {
            try {
              again.setSelectionRange(...selection);
            } catch (error) {
              // not a text field
            }
          }
        }
      }
    }
    renderInspectorValues();
  }

  function buildInspector(connector) {
    const uid = connector.uid;
    const geometryText = h("p", { class: "geometry", "data-testid": "connector-geometry" });
    const placeButtons = h(
      "div",
      { class: "row wrap" },
      h("button", { type: "button", dataset: { placeTool: "rect" }, text: connector.geometry ? "Redraw as rectangle" : "Place: draw a rectangle" }),
      h("button", { type: "button", dataset: { placeTool: "circle" }, text: connector.geometry ? "Redraw as circle" : "Place: draw a circle" }),
      connector.geometry ? h("button", { type: "button", class: "secondary", dataset: { action: "unplace" }, text: "Remove shape" }) : null
    );
    const rows = connector.pins.map((pin) => {
      const number = h("input", { "data-testid": "pin-number", "aria-label": "Pin number", autocomplete: "off", spellcheck: "false" });
      const fn = selectElement(PIN_FUNCTIONS, pin.function, { "data-testid": "pin-function", "aria-label": "Pin function" });
      const value = h("input", {
        "data-testid": "pin-value",
        "aria-label": "MCU pin or net",
        placeholder: "PA0, ^!PB2 or GND",
        autocomplete: "off",
        spellcheck: "false",
      });
      const cell = (control, key, extra, errorTestId) => {
        control.dataset.key = key;
        control.id = `in-${key}`;
        control.setAttribute("aria-describedby", `err-${key}`);
        return h(
          "td",
          {},
          control,
          extra || null,
          h("span", { class: "field-error", id: `err-${key}`, "data-error-for": key, "data-testid": errorTestId, hidden: true })
        );
      };
      return h(
        "tr",
        { "data-testid": "pin-row", dataset: { pid: pin.pid } },
        cell(number, `pin:${pin.pid}:number`, null, "pin-number-error"),
        cell(fn, `pin:${pin.pid}:function`, null, "pin-function-error"),
        cell(value, `pin:${pin.pid}:value`, h("small", { class: "alias", "data-testid": "pin-alias", "data-alias-for": pin.pid }), "pin-error"),
        h(
          "td",
          {},
          h("button", {
            type: "button",
            class: "icon",
            "data-testid": "remove-pin",
            dataset: { removePin: pin.pid },
            "aria-label": `Remove pin ${pin.number}`,
            title: "Remove this pin",
            text: "✕",
          })
        )
      );
    });
    const table = h(
      "table",
      { class: "pin-table", "data-testid": "pin-table" },
      h("caption", { text: "Pins" }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", text: "No." }),
          h("th", { scope: "col", text: "Function" }),
          h("th", { scope: "col", text: "MCU pin / net" }),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Remove" }))
        )
      ),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 4, class: "empty", text: "No pins: add the contacts that carry an MCU pin or a net." })))
    );
    inspectorBody.replaceChildren(
      field("Label (silkscreen)", h("input", { "data-testid": "connector-label", autocomplete: "off" }), `conn:${uid}:label`),
      field(
        "Id",
        h("input", { "data-testid": "connector-id", autocomplete: "off", spellcheck: "false", title: "Clear it to derive it from the label again" }),
        `conn:${uid}:id`,
        h("small", { class: "hint", text: "Klipper aliases are <ID>_<pin number>. Clear the field to follow the label again." })
      ),
      field("Kind", selectElement(CONNECTOR_KINDS, connector.kind, { "data-testid": "connector-kind" }), `conn:${uid}:kind`),
      geometryText,
      h("span", { class: "field-error", "data-error-for": `conn:${uid}:geometry`, hidden: true }),
      placeButtons,
      table,
      h(
        "div",
        { class: "row wrap" },
        h("button", { type: "button", "data-testid": "add-pin", dataset: { action: "add-pin" }, text: "Add pin" }),
        h("button", { type: "button", class: "danger", "data-testid": "delete-connector", dataset: { action: "delete" }, text: "Delete connector" })
      ),
      field("Notes", h("textarea", { rows: 2, "data-testid": "connector-notes" }), `conn:${uid}:notes`),
      h("span", { class: "field-error", "data-error-for": `conn:${uid}:general`, "data-testid": "connector-error", hidden: true })
    );
  }

  function renderInspectorValues() {
    const connector = findConnector(doc, selectedUid);
    if (!connector) return;
    for (const element of $$("[data-key]", inspectorBody)) setValue(element, valueForKey(element.dataset.key));
    for (const pin of connector.pins) {
      const alias = $(`[data-alias-for="${pin.pid}"]`, inspectorBody);
      if (alias) alias.textContent = `${connector.id}_${String(pin.number).trim()}`.toUpperCase();
    }
    const geometry = $('[data-testid="connector-geometry"]', inspectorBody);
    const size = imageSize();
    if (geometry) {
      if (!connector.geometry) geometry.textContent = "Not placed: draw a rectangle or circle on the image while this connector is selected.";
      else if (!size) geometry.textContent = "Placed (choose the image to see it).";
      else {
        const p = toPixels(connector.geometry, size);
        geometry.textContent =
          p.shape === "circle"
            ? `Circle at ${Math.round(p.cx)}, ${Math.round(p.cy)} px, radius ${Math.round(p.r)} px`
            : `Rectangle at ${Math.round(p.x)}, ${Math.round(p.y)} px, ${Math.round(p.w)}×${Math.round(p.h)} px`;
      }
      geometry.classList.toggle("unplaced", !connector.geometry);
    }
  }

  function valueForKey(key) {
    const [type, id, prop] = key.split(":");
    if (type === "conn") {
      const connector = findConnector(doc, id);
      return connector ? String(connector[prop] ?? "") : "";
    }
    if (type === "pin") {
      const found = findPin(doc, id);
      return found ? String(found.pin[prop] ?? "") : "";
    }
    return "";
  }

  function renderProblems(problems) {
    for (const span of $$("[data-error-for]")) {
      const messages = problems.get(span.dataset.errorFor) || [];
      span.textContent = messages.join(" ");
      span.hidden = !messages.length;
    }
    for (const control of $$("input[data-key], select[data-key], textarea[data-key]")) {
      control.setAttribute("aria-invalid", String(problems.has(control.dataset.key)));
    }
  }

  function renderCheckList() {
    const list = $("#validation-errors");
    const stale = lastCheck && lastCheck.docJson !== JSON.stringify(doc);
    list.classList.toggle("stale", Boolean(stale));
    list.replaceChildren(
      ...serverErrors.map((error) => {
        const item = h(
          "li",
          { "data-testid": "validation-error", dataset: { path: error.path } },
          h("code", { text: error.path || "/" }),
          " ",
          h("span", { text: error.message })
        );
        if (error.key && /^(conn|pin):/.test(error.key)) {
          const button = h("button", { type: "button", class: "link", text: "show" });
          button.addEventListener("click", () => revealKey(error.key));
          item.append(" ", button);
        }
        return item;
      })
    );
    if (stale) {
      $('[data-action="download-definition"]').hidden = true;
      $('[data-action="download-anyway"]').hidden = true;
      const status = $("#validation-status");
      if (!status.textContent.startsWith("Changed")) {
        status.textContent = "Changed since the last check: check again before downloading.";
        status.className = "validation-status";
      }
    }
  }

  function revealKey(key) {
    const [type, id] = key.split(":");
    const uid = type === "conn" ? id : (findPin(doc, id) || {}).connector?.uid;
    if (!uid) return;
    pendingFocus = key;
    selectedUid = null;
    select(uid);
  }

  // --- wiring ------------------------------------------------------------------------------------------
  function onBoardInput(event) {
    const key = event.target.dataset.key;
    if (!key || !key.startsWith("board:")) return;
    if (event.type === "input" && event.target.tagName === "SELECT") return;
    const name = key.slice("board:".length);
    const value = event.target.value;
    commit(
      (d) => {
        const b = d.board;
        if (name === "id") {
          if (value.trim() === "") {
            b.idLocked = false;
            b.id = deriveBoardId(b);
          } else {
            b.idLocked = true;
            b.id = value;
          }
          return;
        }
        if (name === "family") {
          b.family = value;
          if (!(CHIPS[value] || []).includes(b.chip)) b.chip = (CHIPS[value] || [""])[0];
          return;
        }
        if (name === "convention") {
          const old = b.convention;
          b.convention = value;
          if (!b.header_notes.trim() || b.header_notes === HEADER_NOTES[old]) b.header_notes = HEADER_NOTES[value];
          return;
        }
        b[name] = value;
        if ((name === "name" || name === "revision") && !b.idLocked) b.id = deriveBoardId(b);
      },
      event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
    );
    if (name === "family") updateChipSuggestions();
  }

  function onSourceInput(event) {
    const key = event.target.dataset.key;
    if (!key || !key.startsWith("source:")) return;
    if (event.type === "input" && event.target.tagName === "SELECT") return;
    const [, index, name] = key.split(":");
    const value = event.target.value;
    commit(
      (d) => {
        d.sources[Number(index)][name] = value;
      },
      event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
    );
  }

  function onInspectorInput(event) {
    const key = event.target.dataset.key;
    if (!key) return;
    if (event.type === "input" && event.target.tagName === "SELECT") return;
    if (event.type === "change" && event.target.tagName !== "SELECT") {
      history.lastKey = null; // leaving a text field ends its undo step
      return;
    }
    const [type, id, prop] = key.split(":");
    const value = event.target.value;
    commit(
      (d) => {
        if (type === "conn") {
          const connector = findConnector(d, id);
          if (!connector) return;
          if (prop === "label") {
            connector.label = value;
            if (!connector.idLocked) connector.id = deriveConnectorId(d, connector);
          } else if (prop === "id") {
            if (value.trim() === "") {
              connector.idLocked = false;
              connector.id = deriveConnectorId(d, connector);
            } else {
              connector.idLocked = true;
              connector.id = value;
            }
          } else {
            connector[prop] = value;
          }
        } else if (type === "pin") {
          const found = findPin(d, id);
          if (!found) return;
          found.pin[prop] = value;
          if (prop === "function" && !found.pin.value.trim()) {
            if (value === "gnd") found.pin.value = "GND";
            if (value === "nc") found.pin.value = "NC";
          }
        }
      },
      event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
    );
  }

  function onInspectorClick(event) {
    const button = event.target.closest("button");
    if (!button) return;
    const connector = findConnector(doc, selectedUid);
    if (!connector) return;
    const uid = connector.uid;
    if (button.dataset.removePin) {
      const pid = button.dataset.removePin;
      commit((d) => {
        const c = findConnector(d, uid);
        c.pins = c.pins.filter((pin) => pin.pid !== pid);
      });
    } else if (button.dataset.action === "add-pin") {
      let pid;
      commit((d) => {
        const c = findConnector(d, uid);
        const pin = newPin(c);
        pid = pin.pid;
        c.pins.push(pin);
      });
      const input = $(`[data-key="pin:${pid}:value"]`, inspectorBody);
      if (input) input.focus();
    } else if (button.dataset.action === "delete") {
      deleteSelected();
    } else if (button.dataset.action === "unplace") {
      commit((d) => {
        findConnector(d, uid).geometry = null;
      });
    } else if (button.dataset.placeTool) {
      if (connector.geometry) {
        commit((d) => {
          findConnector(d, uid).geometry = null;
        });
      }
      setTool(button.dataset.placeTool);
    }
  }

  function updateChipSuggestions() {
    const list = $("#chip-suggestions");
    list.replaceChildren(...(CHIPS[doc.board.family] || []).map((chip) => h("option", { value: chip })));
  }

  async function loadSchemaEnums() {
    try {
      const response = await fetch(root.dataset.schemaUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const schema = await response.json();
      const defs = schema.$defs || {};
      const pick = (value, fallback) => (Array.isArray(value) && value.length ? value : fallback);
      CONNECTOR_KINDS = pick(defs.connector?.properties?.kind?.enum, CONNECTOR_KINDS);
      PIN_FUNCTIONS = pick(defs.pin?.properties?.function?.enum, PIN_FUNCTIONS);
      SOURCE_KINDS = pick(defs.source?.properties?.kind?.enum, SOURCE_KINDS);
      FAMILIES = pick(schema.properties?.mcu?.properties?.family?.enum, FAMILIES);
      fillSelect($("#board-mcu-family"), FAMILIES);
      sourcesSignature = "";
      render({ rebuild: true });
    } catch (error) {
      // keep the built-in lists
    }
  }

  function bind() {
    canvas.addEventListener("pointerdown", onPointerDown);
    canvas.addEventListener("pointermove", onPointerMove);
    canvas.addEventListener("pointerup", onPointerUp);
    canvas.addEventListener("pointercancel", onPointerUp);
    canvas.addEventListener("wheel", onWheel, { passive: false });
    canvas.addEventListener("auxclick", (event) => event.preventDefault());
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("keyup", onKeyUp);
    window.addEventListener("blur", () => {
      spaceHeld = false;
      canvas.classList.remove("space-pan");
    });

    $$(".tool").forEach((button) => button.addEventListener("click", () => setTool(button.dataset.tool)));
    const actions = {
      "zoom-in": () => zoomCentre(1.25),
      "zoom-out": () => zoomCentre(0.8),
      "zoom-fit": fitView,
      undo,
      redo,
      delete: deleteSelected,
      "new-board": () => {
        selectedUid = null;
        commit(() => newDoc());
      },
      "add-connector": () => {
        let uid;
        commit((d) => {
          const connector = newConnector(d, null);
          uid = connector.uid;
          d.connectors.push(connector);
        });
        pendingFocus = `conn:${uid}:label`;
        select(uid);
      },
      "add-source": () => {
        commit((d) => {
          let n = d.sources.length + 1;
          while (d.sources.some((source) => source.id === `source${n}`)) n += 1;
          d.sources.push({ id: `source${n}`, title: "", url: "https://", kind: "vendor_diagram", extra: {} });
        });
      },
      "reload-assets": () => loadAssets(),
      "more-assets": () => assetsNext && loadAssets(assetsNext),
      "more-boards": () => boardsNext && searchCatalog(boardsNext),
      "export-definition": checkDefinition,
      "download-definition": downloadChecked,
      "download-anyway": () => {
        const definition = buildDefinition();
        download(`${JSON.stringify(definition, null, 2)}\n`, `${definition.id || "board"}.json`, "application/json");
      },
      "export-klipper": exportKlipper,
      "copy-klipper": copyKlipper,
      "close-klipper": () => $("#klipper-box").close(),
      "download-klipper": () => download($("#klipper-cfg").value, `${$("#klipper-box").dataset.boardId || "board"}.cfg`, "text/plain"),
    };
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (!button || inspectorBody.contains(button)) return;
      const action = actions[button.dataset.action];
      if (action) action();
    });

    boardForm.addEventListener("input", onBoardInput);
    boardForm.addEventListener("change", onBoardInput);
    boardForm.addEventListener("change", () => (history.lastKey = null));
    const sources = $("#sources");
    sources.addEventListener("input", onSourceInput);
    sources.addEventListener("change", onSourceInput);
    sources.addEventListener("change", () => (history.lastKey = null));
    sources.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-source]");
      if (!button) return;
      const index = Number(button.dataset.removeSource);
      commit((d) => {
        d.sources.splice(index, 1);
      });
    });
    inspectorBody.addEventListener("input", onInspectorInput);
    inspectorBody.addEventListener("change", onInspectorInput);
    inspectorBody.addEventListener("click", onInspectorClick);

    $("#connector-list").addEventListener("click", (event) => {
      const item = event.target.closest("[data-uid]");
      if (item) select(item.dataset.uid);
    });
    $("#local-image-input").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      if (file) chooseLocalFile(file);
      event.target.value = "";
    });
    $("#import-file-input").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      if (file) importFile(file);
      event.target.value = "";
    });
    $("#catalog-form").addEventListener("submit", (event) => {
      event.preventDefault();
      searchCatalog();
    });
    $("#catalog-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-board-id]");
      if (button) importCatalogBoard(button.dataset.boardId);
    });
    new ResizeObserver(() => {
      if (fitPending) fitView();
    }).observe(stage);
  }

  // --- start -------------------------------------------------------------------------------------------
  const header = document.querySelector(".site-header");
  if (header) root.style.setProperty("--header-h", `${header.offsetHeight}px`);
  fillSelect($("#board-mcu-family"), FAMILIES);
  restore();
  updateChipSuggestions();
  bind();
  setTool("select");
  applyView();
  render({ rebuild: true });
  fitView();
  loadSchemaEnums();
  loadAssets();
  searchCatalog();

  // For tests and the console: read-only views of the designer's state.
  window.boardDesigner = Object.freeze({
    buildDefinition,
    pinNameValid,
    pinAdcCapable,
    parsePinValue,
    sha256Fallback,
    imageSize,
    get doc() {
      return clone(doc);
    },
    get view() {
      return { ...view };
    },
  });
})();
