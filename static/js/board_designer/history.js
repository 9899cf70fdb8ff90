// Undo / redo: every change of the document goes through commit().
// commit(mutate, options): mutate(doc) changes the document in place or returns a new one.
// options.key: consecutive commits with the same key (typing in one field) form one undo step.
// options.clear: the field whose server-reported problems the change answers (defaults to key).

import { findConnector } from "./document.js";
import { render } from "./render.js";
import { history, HISTORY_LIMIT, state } from "./state.js";
import { save } from "./storage.js";

export function commit(mutate, options = {}) {
  const before = JSON.stringify(state.doc);
  const replacement = mutate(state.doc);
  if (replacement) state.doc = replacement;
  const after = JSON.stringify(state.doc);
  if (before === after) return false;
  if (!(options.key && options.key === history.lastKey)) {
    history.past.push(before);
    if (history.past.length > HISTORY_LIMIT) history.past.shift();
  }
  history.future = [];
  history.lastKey = options.key || null;
  const cleared = options.clear || options.key;
  if (cleared) state.serverErrors = state.serverErrors.filter((error) => error.key !== cleared);
  changed(options);
  return true;
}

export function changed(options = {}) {
  if (state.selectedUid && !findConnector(state.doc, state.selectedUid)) state.selectedUid = null;
  const valid = new Set(state.doc.connectors.flatMap((c) => [`conn:${c.uid}`, ...c.pins.map((p) => `pin:${p.pid}`)]));
  state.serverErrors = state.serverErrors.filter((error) => !error.key || !/^(conn|pin):/.test(error.key) || valid.has(error.key.split(":").slice(0, 2).join(":")));
  save();
  render({ rebuild: options.rebuild !== false });
}

export function undo() {
  if (!history.past.length) return;
  history.future.push(JSON.stringify(state.doc));
  state.doc = JSON.parse(history.past.pop());
  history.lastKey = null;
  state.inspectorSignature = "";
  changed();
}

export function redo() {
  if (!history.future.length) return;
  history.past.push(JSON.stringify(state.doc));
  state.doc = JSON.parse(history.future.pop());
  history.lastKey = null;
  state.inspectorSignature = "";
  changed();
}
