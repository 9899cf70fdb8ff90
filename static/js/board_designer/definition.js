// The board definition built from the document, as exported and checked by the server.

import { imageEntry } from "./images.js";
import { parsePinNumber, parsePinValue } from "./rules.js";
import { state } from "./state.js";
import { clamp, clone } from "./util.js";

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

export function buildDefinition() {
  const b = state.doc.board;
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
  definition.sources = state.doc.sources.map((source) => {
    const out = { id: source.id.trim(), title: source.title.trim(), url: source.url.trim(), kind: source.kind };
    return { ...out, ...(source.extra || {}) };
  });
  definition.header_numbering = { convention: b.convention, notes: b.header_notes.trim() };
  const image = imageEntry();
  definition.images = image ? [image] : [];
  definition.drivers = clone(state.doc.drivers);
  definition.connectors = state.doc.connectors.map((connector) => {
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
  definition.shared_signals = clone(state.doc.shared_signals);
  const notes = (b.notes || []).filter((note) => typeof note === "string" && note.trim());
  if (notes.length) definition.notes = notes;
  return definition;
}

export function exportIndex() {
  return { connectors: state.doc.connectors.map((c) => ({ uid: c.uid, pids: c.pins.map((p) => p.pid) })) };
}
