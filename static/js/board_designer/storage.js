// Saving the work in localStorage and reading it back.

import { newDoc } from "./document.js";
import { refreshAsset } from "./images.js";
import { IMAGE_KEY, state, STORAGE_KEY } from "./state.js";
import { $, newUid } from "./util.js";

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
  if (!state.background) return null;
  const { kind, width, height, sha256, title, name, assetId, stored, contentType } = state.background;
  const entry = { kind, width, height, sha256, title, name, assetId, stored, contentType };
  if (kind === "asset") entry.url = state.background.url;
  return entry;
}

export function save() {
  const status = $("#save-status");
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ version: 1, doc: state.doc, background: backgroundForStorage() }));
    status.textContent = "Saved in this browser";
    status.classList.remove("warn");
  } catch (error) {
    status.textContent = "Not saved: this browser's storage is full or switched off";
    status.classList.add("warn");
  }
}

export function restore() {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  } catch (error) {
    saved = null;
  }
  if (!saved || saved.version !== 1 || !saved.doc || !Array.isArray(saved.doc.connectors)) return;
  try {
    state.doc = normalizeDoc(saved.doc);
  } catch (error) {
    state.doc = newDoc();
    $("#save-status").textContent = "The saved work could not be read; this is a new board";
    return;
  }
  $("#save-status").textContent = "Restored from this browser";
  const stored = saved.background;
  if (stored && stored.kind === "asset" && stored.assetId) {
    state.background = { ...stored };
    refreshAsset(stored.assetId);
  } else if (stored && stored.kind === "local") {
    const dataUrl = localStorage.getItem(IMAGE_KEY);
    state.background = { ...stored, url: dataUrl || null, missing: !dataUrl };
  }
}
