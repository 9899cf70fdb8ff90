// A board's picture with its connectors drawn over it (the board page, the review page).
// The data comes from the page (json_script, boards/selectors.py board_overlay): shapes as
// fractions of the picture, pins with their MCU pins and Klipper aliases. Hovering, focusing or
// tapping a connector (its shape or its list entry) shows its pins; text goes in as text only.

import { h, svg } from "../lib/dom.js";

function pinValue(pin) {
  if (pin.net) return pin.net;
  if (!pin.mcu_pin) return "—";
  return `${pin.pull || ""}${pin.invert ? "!" : ""}${pin.mcu_pin}`;
}

function details(connector) {
  const rows = connector.pins.map((pin) =>
    h(
      "tr",
      {},
      h("td", { text: pin.number }),
      h("td", { text: pin.function }),
      h("td", {}, h("code", { text: pinValue(pin) })),
      h("td", {}, pin.alias ? h("code", { text: pin.alias }) : "—")
    )
  );
  return [
    h("h3", { text: `${connector.label} (${connector.id})` }),
    h("p", { class: "muted", text: `${connector.kind}${connector.drivers.length ? ` · driven by ${connector.drivers.join(", ")}` : ""}` }),
    rows.length
      ? h(
          "table",
          { class: "data pins", "data-testid": "pin-table" },
          h("thead", {}, h("tr", {}, ["Pin", "Function", "MCU pin", "Klipper alias"].map((name) => h("th", { scope: "col", text: name })))),
          h("tbody", {}, rows)
        )
      : h("p", { class: "muted", text: "No MCU pins: its coils are driven by the driver that feeds it." }),
  ];
}

function shapeOf(connector, width, height) {
  const g = connector.geometry;
  const common = { class: `shape kind-${connector.kind}`, tabindex: "0", role: "button", "data-connector": connector.id, "aria-label": connector.label };
  if (g.shape === "circle") return svg("circle", { ...common, cx: g.cx * width, cy: g.cy * height, r: g.r * width });
  return svg("rect", { ...common, x: g.x * width, y: g.y * height, width: g.w * width, height: g.h * height });
}

function start(view) {
  const data = JSON.parse(document.getElementById(view.dataset.boardOverlay).textContent);
  const byId = new Map(data.connectors.map((connector) => [connector.id, connector]));
  const panel = view.querySelector(".connector-details");
  const shapes = view.querySelector(".board-shapes");
  let pinned = null;

  if (shapes && data.width && data.height) {
    for (const connector of data.connectors) {
      if (!connector.geometry) continue;
      shapes.append(shapeOf(connector, data.width, data.height), svg("title", { text: connector.label }));
    }
  }

  function show(id) {
    const connector = byId.get(id);
    for (const element of view.querySelectorAll("[data-connector]")) {
      const active = element.dataset.connector === id;
      element.classList.toggle("active", active);
      if (element.tagName === "BUTTON") element.setAttribute("aria-expanded", String(active));
    }
    if (!connector) {
      panel.hidden = true;
      panel.replaceChildren();
      return;
    }
    panel.replaceChildren(...details(connector));
    panel.hidden = false;
  }

  view.addEventListener("pointerover", (event) => {
    const target = event.target.closest("[data-connector]");
    if (target && event.pointerType === "mouse") show(target.dataset.connector);
  });
  view.addEventListener("pointerout", (event) => {
    if (event.pointerType === "mouse" && event.target.closest("[data-connector]") && !event.relatedTarget?.closest?.("[data-connector]")) {
      show(pinned);
    }
  });
  view.addEventListener("click", (event) => {
    const target = event.target.closest("[data-connector]");
    if (!target) return;
    pinned = pinned === target.dataset.connector ? null : target.dataset.connector;
    show(pinned);
  });
  view.addEventListener("keydown", (event) => {
    const target = event.target.closest("svg [data-connector]");
    if (target && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  });
  view.addEventListener("focusin", (event) => {
    const target = event.target.closest("[data-connector]");
    if (target) show(target.dataset.connector);
  });
}

for (const view of document.querySelectorAll("[data-board-overlay]")) start(view);
