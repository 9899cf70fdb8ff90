// Problems: checked in the browser (with the rules from rules.js), and reported by the server.

import { matches, parsePinNumber, parsePinValue, pinAdcCapable, rules } from "./rules.js";
import { state } from "./state.js";

function localProblems() {
  const problems = new Map();
  const add = (key, message) => {
    if (!problems.has(key)) problems.set(key, []);
    problems.get(key).push(message);
  };
  const b = state.doc.board;
  for (const field of ["name", "manufacturer", "revision"]) if (!b[field].trim()) add(`board:${field}`, "Required.");
  if (!matches(rules.boardSlug, b.id)) add("board:id", "Lower-case letters and digits, with single - or . between them (e.g. btt-skr-mini-e3-v3.0).");
  else if (b.id.length > rules.boardSlugMax) add("board:id", `At most ${rules.boardSlugMax} characters.`);
  if (!matches(rules.chipName, b.chip)) add("board:chip", "Klipper's lower-case chip name, e.g. stm32g0b1 or rp2040.");
  if (b.secondary_mcu && !matches(rules.aliasName, b.secondary_mcu)) add("board:secondary_mcu", "Letters, digits and _ only, as in [mcu EBBCan].");
  if (b.secondary_mcu === "mcu") add("board:secondary_mcu", "'mcu' is Klipper's name for the main MCU.");
  if (!b.header_notes.trim()) add("board:header_notes", "Say how the header pins are counted.");
  const sourceIds = new Set();
  state.doc.sources.forEach((source, index) => {
    if (!source.id.trim()) add(`source:${index}:id`, "Required.");
    else if (sourceIds.has(source.id)) add(`source:${index}:id`, `Duplicate id ${source.id}.`);
    sourceIds.add(source.id);
    if (!source.title.trim()) add(`source:${index}:title`, "Required.");
    if (!/^https:\/\//.test(source.url)) add(`source:${index}:url`, "An https:// link.");
  });

  const family = b.family;
  const ids = new Map();
  const uses = new Map(); // MCU pin -> [{connector, pin}]
  const shared = new Set(state.doc.shared_signals.map((signal) => signal.mcu_pin));
  const driverPins = new Map();
  for (const driver of state.doc.drivers) {
    for (const [signal, pin] of Object.entries(driver.signals || {})) {
      if (!driverPins.has(pin)) driverPins.set(pin, []);
      driverPins.get(pin).push({ driver, signal });
    }
  }
  for (const connector of state.doc.connectors) {
    if (!connector.label.trim()) add(`conn:${connector.uid}:label`, "Enter the label printed on the board.");
    if (!connector.id) add(`conn:${connector.uid}:id`, "Required.");
    else if (!matches(rules.aliasName, connector.id)) {
      add(`conn:${connector.uid}:id`, "Letters, digits and _ only: Klipper aliases are <ID>_<pin>, e.g. EXP1_3.");
    } else if (connector.id.length > rules.identMax) add(`conn:${connector.uid}:id`, `At most ${rules.identMax} characters.`);
    const upper = connector.id.toUpperCase();
    if (connector.id && ids.has(upper)) add(`conn:${connector.uid}:id`, `Duplicate id: also “${ids.get(upper).label}”.`);
    else ids.set(upper, connector);
    const numbers = new Set();
    for (const pin of connector.pins) {
      const number = parsePinNumber(pin.number);
      if (number.error) add(`pin:${pin.pid}:number`, number.error);
      else if (numbers.has(String(number.number))) add(`pin:${pin.pid}:number`, `Pin ${number.number} appears twice on this connector.`);
      numbers.add(String(number.number));
      if (!rules.pinFunctions.includes(pin.function)) add(`pin:${pin.pid}:function`, "Choose a function.");
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
export function keyForPath(path, index) {
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

export function allProblems() {
  const problems = localProblems();
  for (const error of state.serverErrors) {
    if (!error.key) continue;
    if (!problems.has(error.key)) problems.set(error.key, []);
    const list = problems.get(error.key);
    const text = `Server: ${error.message}`;
    if (!list.includes(text) && !list.includes(error.message)) list.push(text);
  }
  return problems;
}

export function problemCounts(problems) {
  const owner = new Map();
  for (const connector of state.doc.connectors) for (const pin of connector.pins) owner.set(pin.pid, connector.uid);
  const counts = new Map();
  for (const [key, messages] of problems) {
    const [type, id] = key.split(":");
    const uid = type === "conn" ? id : type === "pin" ? owner.get(id) : null;
    if (uid) counts.set(uid, (counts.get(uid) || 0) + messages.length);
  }
  return counts;
}
