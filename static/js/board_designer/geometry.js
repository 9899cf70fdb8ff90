// Geometry in image pixels, and its conversion from and to fractions of the image.

import { state } from "./state.js";
import { clamp } from "./util.js";

export function toPixels(geometry, size) {
  if (geometry.shape === "circle") {
    return { shape: "circle", cx: geometry.cx * size.w, cy: geometry.cy * size.h, r: geometry.r * size.w };
  }
  return { shape: "rect", x: geometry.x * size.w, y: geometry.y * size.h, w: geometry.w * size.w, h: geometry.h * size.h };
}

export function toFractions(pixels, size) {
  if (pixels.shape === "circle") {
    // r is a fraction of the image WIDTH, like cx.
    return { shape: "circle", cx: pixels.cx / size.w, cy: pixels.cy / size.h, r: pixels.r / size.w };
  }
  return { shape: "rect", x: pixels.x / size.w, y: pixels.y / size.h, w: pixels.w / size.w, h: pixels.h / size.h };
}

export function clampPoint(point, size) {
  return { x: clamp(point.x, 0, size.w), y: clamp(point.y, 0, size.h) };
}

function maxRadius(cx, cy, size) {
  return Math.max(0, Math.min(cx, size.w - cx, cy, size.h - cy));
}

export function rectFrom(a, b) {
  return { shape: "rect", x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

export function circleFrom(centre, edge, size) {
  const r = Math.hypot(edge.x - centre.x, edge.y - centre.y);
  return { shape: "circle", cx: centre.x, cy: centre.y, r: Math.min(r, maxRadius(centre.x, centre.y, size)) };
}

export function bigEnough(pixels) {
  const minimum = 3 / state.view.scale; // three screen pixels
  return pixels.shape === "circle" ? pixels.r >= minimum : pixels.w >= minimum && pixels.h >= minimum;
}
