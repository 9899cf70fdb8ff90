// The view: zoom and pan.

import { renderCanvas } from "./canvas.js";
import { canvas, viewport } from "./dom.js";
import { imageSize } from "./images.js";
import { state } from "./state.js";
import { $, clamp } from "./util.js";

export function applyView() {
  viewport.setAttribute("transform", `translate(${state.view.tx} ${state.view.ty}) scale(${state.view.scale})`);
  $("#zoom-level").textContent = `${Math.round(state.view.scale * 100)} %`;
}

export function fitView() {
  const size = imageSize();
  const box = canvas.getBoundingClientRect();
  if (!size || box.width < 10 || box.height < 10) return;
  const pad = 24;
  const scale = clamp(Math.min((box.width - 2 * pad) / size.w, (box.height - 2 * pad) / size.h), 0.01, 64);
  state.view = { scale, tx: (box.width - size.w * scale) / 2, ty: (box.height - size.h * scale) / 2 };
  state.fitPending = false;
  applyView();
  renderCanvas();
}

export function zoomAt(factor, cx, cy) {
  const scale = clamp(state.view.scale * factor, 0.01, 64);
  const ratio = scale / state.view.scale;
  state.view = { scale, tx: cx - (cx - state.view.tx) * ratio, ty: cy - (cy - state.view.ty) * ratio };
  applyView();
  renderCanvas();
}

export function zoomCentre(factor) {
  const box = canvas.getBoundingClientRect();
  zoomAt(factor, box.width / 2, box.height / 2);
}

export function toImage(event) {
  const box = canvas.getBoundingClientRect();
  return { x: (event.clientX - box.left - state.view.tx) / state.view.scale, y: (event.clientY - box.top - state.view.ty) / state.view.scale };
}
