// Pointer interaction on the canvas: draw, select, move, resize, pan, wheel zoom.

import { renderCanvas, renderDraft } from "./canvas.js";
import { findConnector, newConnector } from "./document.js";
import { canvas, draftLayer, stageHint } from "./dom.js";
import { bigEnough, circleFrom, clampPoint, rectFrom, toFractions, toPixels } from "./geometry.js";
import { changed, commit } from "./history.js";
import { imageSize } from "./images.js";
import { renderInspectorValues } from "./inspector.js";
import { history, HISTORY_LIMIT, state } from "./state.js";
import { select, setTool } from "./tools.js";
import { $, clamp } from "./util.js";
import { applyView, toImage, zoomAt } from "./view.js";

export function onPointerDown(event) {
  if (event.button !== 0 && event.button !== 1) return;
  canvas.focus({ preventScroll: true });
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  const point = toImage(event);
  const size = imageSize();
  const panStart = { mode: "pan", sx: event.clientX, sy: event.clientY, tx: state.view.tx, ty: state.view.ty, moved: false };
  if (event.button === 1 || state.spaceHeld || state.tool === "pan") {
    state.drag = panStart;
  } else if (state.tool === "rect" || state.tool === "circle") {
    if (!size) {
      flashHint("Choose a board image first (left panel).");
      state.drag = null;
      return;
    }
    state.drag = { mode: "draw", shape: state.tool, start: clampPoint(point, size), current: clampPoint(point, size) };
  } else {
    const handle = event.target.closest("[data-handle]");
    const body = event.target.closest("[data-uid]");
    const connector = handle ? findConnector(state.doc, state.selectedUid) : body ? findConnector(state.doc, body.dataset.uid) : null;
    if (connector && connector.geometry && size) {
      if (!handle) select(connector.uid);
      state.drag = {
        mode: handle ? "resize" : "move",
        handle: handle ? handle.dataset.handle : null,
        uid: connector.uid,
        before: JSON.stringify(state.doc),
        start: point,
        original: toPixels(connector.geometry, size),
      };
    } else {
      state.drag = { ...panStart, deselect: true };
    }
  }
  canvas.classList.toggle("dragging", Boolean(state.drag));
}

export function onPointerMove(event) {
  if (!state.drag) return;
  const size = imageSize();
  if (state.drag.mode === "pan") {
    const dx = event.clientX - state.drag.sx;
    const dy = event.clientY - state.drag.sy;
    if (Math.abs(dx) + Math.abs(dy) > 3) state.drag.moved = true;
    state.view.tx = state.drag.tx + dx;
    state.view.ty = state.drag.ty + dy;
    applyView();
    return;
  }
  if (!size) return;
  const point = toImage(event);
  if (state.drag.mode === "draw") {
    state.drag.current = clampPoint(point, size);
    renderDraft(size);
    return;
  }
  const connector = findConnector(state.doc, state.drag.uid);
  if (!connector) return;
  const o = state.drag.original;
  let pixels;
  if (state.drag.mode === "move") {
    const dx = point.x - state.drag.start.x;
    const dy = point.y - state.drag.start.y;
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
    if (state.drag.handle.includes("w")) left = p.x;
    if (state.drag.handle.includes("e")) right = p.x;
    if (state.drag.handle.includes("n")) top = p.y;
    if (state.drag.handle.includes("s")) bottom = p.y;
    pixels = rectFrom({ x: left, y: top }, { x: right, y: bottom });
  }
  connector.geometry = toFractions(pixels, size);
  renderCanvas();
  renderInspectorValues();
}

export function onPointerUp(event) {
  if (!state.drag) return;
  const current = state.drag;
  state.drag = null;
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
  if (JSON.stringify(state.doc) !== current.before) {
    history.past.push(current.before);
    if (history.past.length > HISTORY_LIMIT) history.past.shift();
    history.future = [];
    history.lastKey = null;
    changed({ rebuild: false });
  }
}

// A drawn shape places the selected connector when it has none yet, else makes a new connector.
function placeShape(geometry) {
  const target = findConnector(state.doc, state.selectedUid);
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

export function onWheel(event) {
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
