// The rules the designer checks as you type, all from the server (no copy is kept here):
// - GET /api/boards/pin-rules (boards/api/pin_rules.py, built from boards/validation.py):
//   valid MCU pin names and their hint per family, ADC-capable pins per chip and per
//   family, the connector id (alias) pattern, which values read as a net, chip suggestions;
// - GET /api/boards/schema: the lists (connector kinds, pin functions, source kinds) and
//   the patterns of ids, chip names, nets and pin numbers.
// Until they arrive, or when they cannot be loaded, the checks that need them are skipped
// (the server still checks everything on export) and the page says so.

import { getJson } from "./http.js";
import { root } from "./state.js";

export const rules = {
  pinRulesLoaded: false,
  schemaLoaded: false,
  families: [],
  connectorKinds: [],
  pinFunctions: [],
  sourceKinds: [],
  pinNames: new Map(), // family -> RegExp
  hints: new Map(), // family -> text
  adcPins: new Map(), // chip -> Set of pins
  adcFamilyRules: new Map(), // family -> RegExp
  chips: new Map(), // family -> [chip]
  aliasName: null,
  netName: null,
  netUsual: null,
  netFunctions: new Set(),
  boardSlug: null,
  boardSlugMax: Infinity,
  identMax: Infinity,
  chipName: null,
  pinNumberRole: null,
  pinNumberMax: Infinity,
};

// A check whose pattern could not be loaded passes: the server has the last word.
export function matches(pattern, value) {
  return !pattern || pattern.test(value);
}

function regex(source) {
  return typeof source === "string" ? new RegExp(source) : null;
}

function applyPinRules(served) {
  const families = Object.entries(served.families || {});
  if (!families.length) throw new Error("the answer names no MCU family");
  rules.pinNames = new Map(families.map(([family, entry]) => [family, regex(entry.pin_pattern)]));
  rules.hints = new Map(families.map(([family, entry]) => [family, String(entry.hint || "")]));
  rules.adcFamilyRules = new Map(
    families.filter(([, entry]) => entry.adc_pattern).map(([family, entry]) => [family, regex(entry.adc_pattern)])
  );
  rules.chips = new Map(families.map(([family, entry]) => [family, Array.isArray(entry.chips) ? entry.chips : []]));
  rules.adcPins = new Map(Object.entries(served.adc_pins || {}).map(([chip, pins]) => [chip, new Set(pins)]));
  rules.aliasName = regex(served.alias && served.alias.pattern);
  const nets = served.nets || {};
  rules.netName = regex(nets.pattern);
  rules.netUsual = regex(nets.usual_pattern);
  rules.netFunctions = new Set(Array.isArray(nets.functions) ? nets.functions : []);
  rules.families = families.map(([family]) => family);
  rules.pinRulesLoaded = true;
}

function applySchema(schema) {
  const defs = schema.$defs || {};
  const list = (value) => (Array.isArray(value) ? value : []);
  rules.connectorKinds = list(defs.connector?.properties?.kind?.enum);
  rules.pinFunctions = list(defs.pin?.properties?.function?.enum);
  rules.sourceKinds = list(defs.source?.properties?.kind?.enum);
  if (!rules.families.length) rules.families = list(schema.properties?.mcu?.properties?.family?.enum);
  rules.boardSlug = regex(defs.slug?.pattern);
  rules.boardSlugMax = defs.slug?.maxLength ?? Infinity;
  rules.identMax = defs.ident?.maxLength ?? Infinity;
  rules.chipName = regex(schema.properties?.mcu?.properties?.chip?.pattern);
  const role = list(defs.pin?.properties?.number?.oneOf).find((option) => option.type === "string") || {};
  rules.pinNumberRole = regex(role.pattern);
  rules.pinNumberMax = role.maxLength ?? Infinity;
  rules.schemaLoaded = true;
}

// Loads both documents; resolves to a list of what could not be loaded (empty when all came).
export async function loadRules() {
  const failed = [];
  const [pins, schema] = await Promise.allSettled([getJson(root.dataset.pinRulesUrl), getJson(root.dataset.schemaUrl)]);
  try {
    if (pins.status === "rejected") throw pins.reason;
    applyPinRules(pins.value);
  } catch (error) {
    failed.push(`the MCU pin rules (${error.message})`);
  }
  try {
    if (schema.status === "rejected") throw schema.reason;
    applySchema(schema.value);
  } catch (error) {
    failed.push(`the definition schema (${error.message})`);
  }
  return failed;
}

// --- pin rules -----------------------------------------------------------------------
export function pinNameValid(family, name) {
  const pattern = rules.pinNames.get(family);
  return Boolean(pattern && pattern.test(name));
}

export function pinAdcCapable(family, chip, name) {
  const table = rules.adcPins.get(chip);
  if (table) return table.has(name);
  const rule = rules.adcFamilyRules.get(family);
  return rule ? rule.test(name) : true;
}

// A pin row's "MCU pin or net" cell: "PA1", "^!PB2" (board default pull-up and
// inversion, in Klipper's order), or a net such as GND / 5V / VIN / 3V3.
export function parsePinValue(raw, fn, family) {
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
  if (!rules.pinRulesLoaded) return { pin: rest, pull, invert }; // not checked here: the server will
  if (pinNameValid(family, rest)) return { pin: rest, pull, invert };
  const netCandidate = matches(rules.netName, rest) && (matches(rules.netUsual, rest) || rules.netFunctions.has(fn));
  if (netCandidate) {
    if (pull || invert) return { error: `A net (${rest}) takes no ^ ~ ! modifiers.` };
    return { net: rest };
  }
  let message = `${rest} is not a ${family} pin name (${rules.hints.get(family) || "unknown family"})`;
  const upper = rest.toUpperCase();
  if (upper !== rest && pinNameValid(family, upper)) message += `; did you mean ${upper}?`;
  else if (pinNameValid(family, rest.toLowerCase())) message += `; did you mean ${rest.toLowerCase()}?`;
  return { pin: rest, pull, invert, error: message };
}

export function parsePinNumber(raw) {
  const value = String(raw).trim();
  if (/^[1-9][0-9]*$/.test(value)) return { number: Number(value) };
  if (value && matches(rules.pinNumberRole, value) && value.length <= rules.pinNumberMax) return { number: value };
  return {
    number: value,
    error: value ? "Use a contact number (1, 2, …) or an upper-case role name (SIG, CS, …)." : "Enter the contact number.",
  };
}

export function composePinValue(pin) {
  if (typeof pin.net === "string") return pin.net;
  if (typeof pin.mcu_pin !== "string") return "";
  return `${pin.default_pull || ""}${pin.default_invert ? "!" : ""}${pin.mcu_pin}`;
}
