// Keyboard shortcuts (off while typing in a field, except undo / redo).

import { findConnector } from "./document.js";
import { canvas, draftLayer } from "./dom.js";
import { toFractions, toPixels } from "./geometry.js";
import { commit, redo, undo } from "./history.js";
import { imageSize } from "./images.js";
import { state } from "./state.js";
import { deleteSelected, select, setTool } from "./tools.js";
import { clamp } from "./util.js";
import { fitView, zoomCentre } from "./view.js";

function isTextField(element) {
  if (!element) return false;
  if (element.isContentEditable) return true;
  if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
  return element.tagName === "INPUT" && !["button", "checkbox", "radio", "file", "submit", "reset"].includes(element.type);
}

export function onKeyDown(event) {
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
    state.spaceHeld = true;
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
      if (state.drag && state.drag.mode === "draw") {
        state.drag = null;
        draftLayer.replaceChildren();
      } else if (state.tool !== "select") setTool("select");
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

export function onKeyUp(event) {
  if (event.key === " ") {
    state.spaceHeld = false;
    canvas.classList.remove("space-pan");
  }
}

function nudge(dx, dy) {
  const size = imageSize();
  const connector = findConnector(state.doc, state.selectedUid);
  if (!size || !connector || !connector.geometry) return;
  commit(
    (d) => {
      const c = findConnector(d, state.selectedUid);
      const o = toPixels(c.geometry, size);
      const moved =
        o.shape === "circle"
          ? { ...o, cx: clamp(o.cx + dx, o.r, size.w - o.r), cy: clamp(o.cy + dy, o.r, size.h - o.r) }
          : { ...o, x: clamp(o.x + dx, 0, size.w - o.w), y: clamp(o.y + dy, 0, size.h - o.h) };
      c.geometry = toFractions(moved, size);
    },
    { key: `nudge:${state.selectedUid}`, rebuild: false }
  );
}
