// The inspector: the selected connector's fields and pin table.

import { findConnector, findPin } from "./document.js";
import { inspectorBody } from "./dom.js";
import { toPixels } from "./geometry.js";
import { imageSize } from "./images.js";
import { setValue } from "./render.js";
import { rules } from "./rules.js";
import { state } from "./state.js";
import { $, $$, h, selectElement } from "./util.js";

function field(label, control, key, extra) {
  control.dataset.key = key;
  control.id = `in-${key}`;
  control.setAttribute("aria-describedby", `err-${key}`);
  return h(
    "div",
    { class: "field" },
    h("label", { for: control.id, text: label }),
    control,
    extra || null,
    h("span", { class: "field-error", id: `err-${key}`, "data-error-for": key, hidden: true })
  );
}

export function renderInspector(rebuild) {
  const connector = findConnector(state.doc, state.selectedUid);
  $("#inspector-empty").hidden = Boolean(connector);
  inspectorBody.hidden = !connector;
  if (!connector) {
    inspectorBody.replaceChildren();
    state.inspectorSignature = "";
    return;
  }
  const signature = `${connector.uid}|${connector.pins.map((p) => p.pid).join(",")}|${Boolean(connector.geometry)}`;
  if (rebuild || signature !== state.inspectorSignature) {
    const active = document.activeElement && inspectorBody.contains(document.activeElement) ? document.activeElement : null;
    const activeKey = active ? active.dataset.key : null;
    const selection = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    buildInspector(connector);
    state.inspectorSignature = signature;
    if (activeKey && !state.pendingFocus) {
      const again = $(`[data-key="${CSS.escape(activeKey)}"]`, inspectorBody);
      if (again) {
        again.focus();
        if (selection && typeof again.setSelectionRange === "function") {
          try {
            again.setSelectionRange(...selection);
          } catch (error) {
            // not a text field
          }
        }
      }
    }
  }
  renderInspectorValues();
}

function buildInspector(connector) {
  const uid = connector.uid;
  const geometryText = h("p", { class: "geometry", "data-testid": "connector-geometry" });
  const placeButtons = h(
    "div",
    { class: "row wrap" },
    h("button", { type: "button", dataset: { placeTool: "rect" }, text: connector.geometry ? "Redraw as rectangle" : "Place: draw a rectangle" }),
    h("button", { type: "button", dataset: { placeTool: "circle" }, text: connector.geometry ? "Redraw as circle" : "Place: draw a circle" }),
    connector.geometry ? h("button", { type: "button", class: "secondary", dataset: { action: "unplace" }, text: "Remove shape" }) : null
  );
  const rows = connector.pins.map((pin) => {
    const number = h("input", { "data-testid": "pin-number", "aria-label": "Pin number", autocomplete: "off", spellcheck: "false" });
    const fn = selectElement(rules.pinFunctions, pin.function, { "data-testid": "pin-function", "aria-label": "Pin function" });
    const value = h("input", {
      "data-testid": "pin-value",
      "aria-label": "MCU pin or net",
      placeholder: "PA0, ^!PB2 or GND",
      autocomplete: "off",
      spellcheck: "false",
    });
    const cell = (control, key, extra, errorTestId) => {
      control.dataset.key = key;
      control.id = `in-${key}`;
      control.setAttribute("aria-describedby", `err-${key}`);
      return h(
        "td",
        {},
        control,
        extra || null,
        h("span", { class: "field-error", id: `err-${key}`, "data-error-for": key, "data-testid": errorTestId, hidden: true })
      );
    };
    return h(
      "tr",
      { "data-testid": "pin-row", dataset: { pid: pin.pid } },
      cell(number, `pin:${pin.pid}:number`, null, "pin-number-error"),
      cell(fn, `pin:${pin.pid}:function`, null, "pin-function-error"),
      cell(value, `pin:${pin.pid}:value`, h("small", { class: "alias", "data-testid": "pin-alias", "data-alias-for": pin.pid }), "pin-error"),
      h(
        "td",
        {},
        h("button", {
          type: "button",
          class: "icon",
          "data-testid": "remove-pin",
          dataset: { removePin: pin.pid },
          "aria-label": `Remove pin ${pin.number}`,
          title: "Remove this pin",
          text: "✕",
        })
      )
    );
  });
  const table = h(
    "table",
    { class: "pin-table", "data-testid": "pin-table" },
    h("caption", { text: "Pins" }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: "No." }),
        h("th", { scope: "col", text: "Function" }),
        h("th", { scope: "col", text: "MCU pin / net" }),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Remove" }))
      )
    ),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 4, class: "empty", text: "No pins: add the contacts that carry an MCU pin or a net." })))
  );
  inspectorBody.replaceChildren(
    field("Label (silkscreen)", h("input", { "data-testid": "connector-label", autocomplete: "off" }), `conn:${uid}:label`),
    field(
      "Id",
      h("input", { "data-testid": "connector-id", autocomplete: "off", spellcheck: "false", title: "Clear it to derive it from the label again" }),
      `conn:${uid}:id`,
      h("small", { class: "hint", text: "Klipper aliases are <ID>_<pin number>. Clear the field to follow the label again." })
    ),
    field("Kind", selectElement(rules.connectorKinds, connector.kind, { "data-testid": "connector-kind" }), `conn:${uid}:kind`),
    geometryText,
    h("span", { class: "field-error", "data-error-for": `conn:${uid}:geometry`, hidden: true }),
    placeButtons,
    table,
    h(
      "div",
      { class: "row wrap" },
      h("button", { type: "button", "data-testid": "add-pin", dataset: { action: "add-pin" }, text: "Add pin" }),
      h("button", { type: "button", class: "danger", "data-testid": "delete-connector", dataset: { action: "delete" }, text: "Delete connector" })
    ),
    field("Notes", h("textarea", { rows: 2, "data-testid": "connector-notes" }), `conn:${uid}:notes`),
    h("span", { class: "field-error", "data-error-for": `conn:${uid}:general`, "data-testid": "connector-error", hidden: true })
  );
}

export function renderInspectorValues() {
  const connector = findConnector(state.doc, state.selectedUid);
  if (!connector) return;
  for (const element of $$("[data-key]", inspectorBody)) setValue(element, valueForKey(element.dataset.key));
  for (const pin of connector.pins) {
    const alias = $(`[data-alias-for="${pin.pid}"]`, inspectorBody);
    if (alias) alias.textContent = `${connector.id}_${String(pin.number).trim()}`.toUpperCase();
  }
  const geometry = $('[data-testid="connector-geometry"]', inspectorBody);
  const size = imageSize();
  if (geometry) {
    if (!connector.geometry) geometry.textContent = "Not placed: draw a rectangle or circle on the image while this connector is selected.";
    else if (!size) geometry.textContent = "Placed (choose the image to see it).";
    else {
      const p = toPixels(connector.geometry, size);
      geometry.textContent =
        p.shape === "circle"
          ? `Circle at ${Math.round(p.cx)}, ${Math.round(p.cy)} px, radius ${Math.round(p.r)} px`
          : `Rectangle at ${Math.round(p.x)}, ${Math.round(p.y)} px, ${Math.round(p.w)}×${Math.round(p.h)} px`;
    }
    geometry.classList.toggle("unplaced", !connector.geometry);
  }
}

function valueForKey(key) {
  const [type, id, prop] = key.split(":");
  if (type === "conn") {
    const connector = findConnector(state.doc, id);
    return connector ? String(connector[prop] ?? "") : "";
  }
  if (type === "pin") {
    const found = findPin(state.doc, id);
    return found ? String(found.pin[prop] ?? "") : "";
  }
  return "";
}
