// Drawing the SVG canvas: the image, the connectors' shapes with their labels and problem badges, the handles, the draft shape.

import { findConnector } from "./document.js";
import { draftLayer, frame, handlesLayer, imageEl, shapesLayer, stageHint } from "./dom.js";
import { circleFrom, rectFrom, toPixels } from "./geometry.js";
import { imageSize } from "./images.js";
import { allProblems, problemCounts } from "./problems.js";
import { state } from "./state.js";
import { svg } from "./util.js";

export function renderCanvas(counts) {
  if (!counts) counts = problemCounts(allProblems());
  const size = imageSize();
  const scale = state.view.scale;
  if (state.background && state.background.url && !state.background.missing) {
    if (imageEl.getAttribute("href") !== state.background.url) imageEl.setAttribute("href", state.background.url);
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
    for (const connector of state.doc.connectors) {
      if (!connector.geometry) continue;
      const p = toPixels(connector.geometry, size);
      const problems = counts.get(connector.uid) || 0;
      const classes = ["shape", `kind-${connector.kind}`];
      if (connector.uid === state.selectedUid) classes.push("selected");
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
  const selected = findConnector(state.doc, state.selectedUid);
  if (size && selected && selected.geometry && state.tool === "select") {
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
  else if (state.tool === "rect") hint = "Drag to draw a rectangle.";
  else if (state.tool === "circle") hint = "Press at the centre and drag out the radius.";
  stageHint.textContent = hint;
  stageHint.hidden = !hint;
}

export function renderDraft(size) {
  if (!state.drag || state.drag.mode !== "draw") return;
  const p = state.drag.shape === "rect" ? rectFrom(state.drag.start, state.drag.current) : circleFrom(state.drag.start, state.drag.current, size);
  draftLayer.replaceChildren(
    p.shape === "circle"
      ? svg("circle", { class: "draft", cx: p.cx, cy: p.cy, r: p.r })
      : svg("rect", { class: "draft", x: p.x, y: p.y, width: p.w, height: p.h })
  );
}
