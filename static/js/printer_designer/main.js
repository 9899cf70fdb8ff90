// Printer designer: a form that builds a printer definition (printers/schema/printer-definition.v1.json)
// for one main board of the catalog. Every change is sent to POST /api/printers-catalog/printer.cfg,
// which validates it (problems by JSON path, shown next to their fields) and answers the printer.cfg,
// shown beside the form and downloadable as it is. Connectors are chosen in lists, or on the board's
// picture: focus a list, then click a connector drawn over the picture. Text goes in as text only.

import { apiGet, apiSend } from "../lib/api.js";
import { h, svg } from "../lib/dom.js";

const root = document.getElementById("printer-designer");
const $ = (selector) => root.querySelector(selector);
const AXES = ["x", "y", "z"];
const MICROSTEPS = [16, 32, 64, 8, 128, 256, 4, 2, 1];
const state = { board: null, overlay: null, activeSlot: null, text: "", timer: 0, sequence: 0 };

function option(value, label, selected = false) {
  return h("option", { value, text: label, selected });
}

function axisBox(axis) {
  const name = axis.toUpperCase();
  return h(
    "fieldset",
    { class: "pd-box", dataset: { axis } },
    h("legend", { text: `${name} axis` }),
    h(
      "div",
      { class: "pd-row" },
      h("label", { class: "field" }, "Driver ", h("select", { "data-slot": `axes.${axis}.driver`, "data-testid": `slot-${axis}-driver` })),
      h("label", { class: "field" }, "Microsteps ", h("select", { "data-micro": axis }, MICROSTEPS.map((m) => option(m, m)))),
      h("label", { class: "field" }, "Endstop ", h("select", { "data-slot": `axes.${axis}.endstop`, "data-kinds": "endstop probe", "data-testid": `slot-${axis}-endstop` })),
      h("label", { class: "field" }, "Endstop at ", h("select", { "data-end": axis }, option("min", "the minimum"), option("max", "the maximum")))
    ),
    mechanics(axis, axis === "z" ? "lead_screw" : "belt")
  );
}

function mechanics(key, mode) {
  return h(
    "div",
    { class: "pd-mechanics", dataset: { mechanics: key } },
    h(
      "div",
      { class: "pd-row" },
      h(
        "label",
        { class: "field" },
        "Drive ",
        h(
          "select",
          { "data-mode": key, "data-testid": `mode-${key}` },
          option("belt", "belt and pulley", mode === "belt"),
          option("lead_screw", "lead screw", mode === "lead_screw"),
          option("direct", "rotation distance", mode === "direct")
        )
      ),
      h("label", { class: "field", dataset: { for: "belt" } }, "Belt pitch mm ", h("input", { type: "number", step: "0.1", min: "0.1", value: "2", "data-belt-pitch": key })),
      h("label", { class: "field", dataset: { for: "belt" } }, "Pulley teeth ", h("input", { type: "number", step: "1", min: "5", value: "20", "data-teeth": key })),
      h("label", { class: "field", dataset: { for: "lead_screw" } }, "Screw pitch mm ", h("input", { type: "number", step: "0.1", min: "0.1", value: "2", "data-screw-pitch": key })),
      h("label", { class: "field", dataset: { for: "lead_screw" } }, "Starts ", h("input", { type: "number", step: "1", min: "1", value: "4", "data-starts": key })),
      h("label", { class: "field", dataset: { for: "direct" } }, "Rotation distance mm ", h("input", { type: "number", step: "0.001", min: "0.001", value: "33.5", "data-rotation": key, "data-testid": `rotation-${key}` }))
    ),
    h("p", { class: "pd-formula", "data-formula": key, "data-testid": `formula-${key}` })
  );
}

function num(selector) {
  const value = Number(root.querySelector(selector)?.value);
  return Number.isFinite(value) ? value : 0;
}

// The stepper's mechanics from its fields, and the formula shown under them.
function stepperMechanics(key) {
  const mode = root.querySelector(`[data-mode="${key}"]`).value;
  for (const label of root.querySelectorAll(`[data-mechanics="${key}"] [data-for]`)) label.hidden = label.dataset.for !== mode;
  const formula = root.querySelector(`[data-formula="${key}"]`);
  if (mode === "belt") {
    const pitch = num(`[data-belt-pitch="${key}"]`);
    const teeth = Math.round(num(`[data-teeth="${key}"]`));
    formula.textContent = `rotation_distance = belt pitch × pulley teeth = ${pitch} mm × ${teeth} = ${+(pitch * teeth).toFixed(4)} mm`;
    return { belt: { pitch, pulley_teeth: teeth } };
  }
  if (mode === "lead_screw") {
    const pitch = num(`[data-screw-pitch="${key}"]`);
    const starts = Math.round(num(`[data-starts="${key}"]`));
    formula.textContent = `rotation_distance = screw pitch × starts = ${pitch} mm × ${starts} = ${+(pitch * starts).toFixed(4)} mm`;
    return { lead_screw: { pitch, starts } };
  }
  const distance = num(`[data-rotation="${key}"]`);
  formula.textContent = `rotation_distance = ${distance} mm (what one full motor turn moves)`;
  return { rotation_distance: distance };
}

function slot(path) {
  return root.querySelector(`[data-slot="${path}"]`).value;
}

export function buildDefinition() {
  const volume = { x: num("#pd-volume-x"), y: num("#pd-volume-y"), z: num("#pd-volume-z") };
  const axes = {};
  for (const axis of AXES) {
    const atMax = root.querySelector(`[data-end="${axis}"]`).value === "max";
    axes[axis] = {
      steppers: [{ driver: slot(`axes.${axis}.driver`), microsteps: Number(root.querySelector(`[data-micro="${axis}"]`).value), ...stepperMechanics(axis) }],
      position_min: 0,
      position_max: volume[axis],
      position_endstop: atMax ? volume[axis] : 0,
      homing: { endstop: { connector: slot(`axes.${axis}.endstop`) } },
    };
    if (axis !== "z") axes[axis].homing_speed = 50;
  }
  const definition = {
    schema_version: 1,
    id: $("#pd-id").value.trim(),
    name: $("#pd-name").value.trim(),
    manufacturer: $("#pd-manufacturer").value.trim(),
    kinematics: $("#pd-kinematics").value,
    boards: { main: $("#pd-board").value },
    build_volume: volume,
    axes,
    extruder: {
      stepper: { driver: slot("extruder.driver"), microsteps: Number(root.querySelector('[data-micro="e"]').value), ...stepperMechanics("e") },
      heater: { connector: slot("extruder.heater") },
      thermistor: { connector: slot("extruder.thermistor") },
      sensor_type: $("#pd-extruder-sensor").value,
      nozzle_diameter: num("#pd-nozzle"),
      filament_diameter: 1.75,
    },
  };
  if (slot("bed.heater") && slot("bed.thermistor")) {
    definition.heated_bed = { heater: { connector: slot("bed.heater") }, thermistor: { connector: slot("bed.thermistor") }, sensor_type: $("#pd-bed-sensor").value };
  }
  const fans = {};
  for (const name of ["part", "hotend", "controller"]) if (slot(`fans.${name}`)) fans[name] = { connector: slot(`fans.${name}`) };
  if (Object.keys(fans).length) definition.fans = fans;
  return definition;
}

function fillSlots() {
  const board = state.board;
  for (const select of root.querySelectorAll("[data-slot]")) {
    const kept = select.value;
    const isDriver = select.dataset.slot.endsWith(".driver");
    const kinds = (select.dataset.kinds || "").split(" ");
    const items = !board ? [] : isDriver ? board.drivers.map((d) => [d.id, d.label || d.id]) : board.connectors.filter((c) => kinds.includes(c.kind)).map((c) => [c.id, `${c.label} (${c.id})`]);
    select.replaceChildren(option("", isDriver ? "— choose a driver —" : "— none —"), ...items.map(([value, label]) => option(value, label, value === kept)));
  }
}

function drawPicture() {
  const box = $("#pd-picture");
  const overlay = state.overlay;
  if (!overlay) return box.replaceChildren();
  const chosen = new Set([...root.querySelectorAll("[data-slot]")].map((s) => s.value).filter(Boolean));
  const buttons = h(
    "div",
    { class: "pd-connectors", "data-testid": "pd-connectors" },
    overlay.connectors.map((c) => h("button", { type: "button", class: chosen.has(c.id) ? "chosen" : "", dataset: { connector: c.id }, text: `${c.label} · ${c.kind}` }))
  );
  if (!overlay.picture) return box.replaceChildren(h("p", { class: "muted no-picture", text: "No picture of this board yet: choose connectors here." }), buttons);
  const shapes = svg("svg", { viewBox: `0 0 ${overlay.width} ${overlay.height}`, preserveAspectRatio: "none", "data-testid": "pd-shapes" });
  for (const c of overlay.connectors) {
    const g = c.geometry;
    if (!g) continue;
    const attrs = { class: `shape${chosen.has(c.id) ? " chosen" : ""}`, dataset: { connector: c.id }, "aria-label": c.label };
    const shape = g.shape === "circle"
      ? svg("circle", { ...attrs, cx: g.cx * overlay.width, cy: g.cy * overlay.height, r: g.r * overlay.width })
      : svg("rect", { ...attrs, x: g.x * overlay.width, y: g.y * overlay.height, width: g.w * overlay.width, height: g.h * overlay.height });
    shape.append(svg("title", { text: `${c.label} (${c.kind})` }));
    shapes.append(shape);
  }
  box.replaceChildren(h("img", { src: overlay.picture, alt: "The board", width: overlay.width, height: overlay.height }), shapes, buttons);
}

function pick(connectorId) {
  const status = $("#pd-pick-status");
  const select = state.activeSlot;
  status.hidden = false;
  if (!select) {
    status.textContent = "Choose which part it is for first: focus one of the connector lists on the left.";
    return;
  }
  if (![...select.options].some((o) => o.value === connectorId)) {
    const connector = state.board.connectors.find((c) => c.id === connectorId);
    status.textContent = `${connector ? connector.label : connectorId} does not fit there (it is a ${connector ? connector.kind : "?"} connector).`;
    return;
  }
  select.value = connectorId;
  status.textContent = `${connectorId} chosen for ${select.closest("label").firstChild.textContent.trim()}.`;
  changed();
}

async function loadBoard(boardId) {
  state.board = null;
  state.overlay = null;
  if (boardId) {
    const [definition, overlay] = await Promise.all([
      apiGet(`${root.dataset.boardsUrl}${encodeURIComponent(boardId)}/`, null, { controlToken: false }),
      apiGet(`/boards/${encodeURIComponent(boardId)}/overlay.json`, null, { controlToken: false }),
    ]);
    if (definition.ok) state.board = definition.data;
    if (overlay.ok) state.overlay = overlay.data;
  }
  fillSlots();
  drawPicture();
}

function showProblems(problems) {
  const list = $("#pd-problems");
  for (const field of root.querySelectorAll(".has-problem")) field.classList.remove("has-problem");
  list.replaceChildren(...problems.map((p) => h("li", {}, h("code", { text: p.path || "/" }), ` ${p.message}`)));
  for (const problem of problems) {
    const parts = (problem.path || "").split("/").filter(Boolean);
    let field = null;
    if (parts[0] === "axes") field = root.querySelector(`[data-slot="axes.${parts[1]}.${parts.includes("homing") ? "endstop" : "driver"}"]`);
    else if (parts[0] === "extruder") field = root.querySelector(`[data-slot="extruder.${parts[1] === "stepper" ? "driver" : parts[1]}"]`);
    else if (parts[0] === "heated_bed") field = root.querySelector(`[data-slot="bed.${parts[1]}"]`);
    else if (parts[0] === "fans") field = root.querySelector(`[data-slot="fans.${parts[1]}"]`);
    if (field) field.classList.add("has-problem");
  }
}

async function generate() {
  const sequence = ++state.sequence;
  const definition = buildDefinition();
  const answer = await apiSend("POST", root.dataset.generateUrl, { json: definition, controlToken: false });
  if (sequence !== state.sequence) return; // a newer change is on its way
  const status = $("#pd-status");
  drawPicture();
  if (answer.ok && typeof answer.data === "string") {
    state.text = answer.data;
    $("#pd-preview").textContent = answer.data;
    $("#pd-download").disabled = false;
    showProblems([]);
    status.textContent = "Valid: printer.cfg generated.";
    status.className = "validation-status good";
    return;
  }
  state.text = "";
  $("#pd-download").disabled = true;
  const problems = answer.data && Array.isArray(answer.data.errors) ? answer.data.errors : [];
  showProblems(problems);
  status.textContent = problems.length ? `Not valid yet: ${problems.length} problem${problems.length === 1 ? "" : "s"}.` : `No printer.cfg: ${answer.error}`;
  status.className = "validation-status bad";
}

function changed() {
  clearTimeout(state.timer);
  state.timer = setTimeout(generate, 250);
}

function setMechanics(key, stepper) {
  const mode = stepper.belt ? "belt" : stepper.lead_screw ? "lead_screw" : "direct";
  root.querySelector(`[data-mode="${key}"]`).value = mode;
  if (stepper.belt) {
    root.querySelector(`[data-belt-pitch="${key}"]`).value = stepper.belt.pitch;
    root.querySelector(`[data-teeth="${key}"]`).value = stepper.belt.pulley_teeth;
  } else if (stepper.lead_screw) {
    root.querySelector(`[data-screw-pitch="${key}"]`).value = stepper.lead_screw.pitch;
    root.querySelector(`[data-starts="${key}"]`).value = stepper.lead_screw.starts || 1;
  } else {
    root.querySelector(`[data-rotation="${key}"]`).value = stepper.rotation_distance;
  }
  root.querySelector(`[data-micro="${key}"]`).value = stepper.microsteps;
}

async function loadTemplate(printerId) {
  const answer = await apiGet(`${root.dataset.printersUrl}${encodeURIComponent(printerId)}/`, null, { controlToken: false });
  if (!answer.ok) return;
  const d = answer.data;
  $("#pd-name").value = d.name;
  $("#pd-id").value = `${d.id}-custom`;
  $("#pd-manufacturer").value = d.manufacturer;
  $("#pd-kinematics").value = d.kinematics;
  for (const axis of AXES) $(`#pd-volume-${axis}`).value = d.build_volume[axis];
  $("#pd-board").value = d.boards.main;
  await loadBoard(d.boards.main);
  const set = (path, ref) => {
    if (ref && (ref.board || "main") === "main") root.querySelector(`[data-slot="${path}"]`).value = ref.connector || ref.driver;
  };
  for (const axis of AXES) {
    const spec = d.axes[axis];
    if (!spec) continue;
    set(`axes.${axis}.driver`, spec.steppers[0]);
    set(`axes.${axis}.endstop`, spec.homing.endstop);
    root.querySelector(`[data-end="${axis}"]`).value = spec.position_endstop && spec.position_endstop === spec.position_max ? "max" : "min";
    setMechanics(axis, spec.steppers[0]);
  }
  set("extruder.driver", d.extruder.stepper);
  set("extruder.heater", d.extruder.heater);
  set("extruder.thermistor", d.extruder.thermistor);
  setMechanics("e", d.extruder.stepper);
  $("#pd-extruder-sensor").value = d.extruder.sensor_type;
  $("#pd-nozzle").value = d.extruder.nozzle_diameter;
  if (d.heated_bed) {
    set("bed.heater", d.heated_bed.heater);
    set("bed.thermistor", d.heated_bed.thermistor);
    $("#pd-bed-sensor").value = d.heated_bed.sensor_type;
  }
  for (const name of ["part", "hotend", "controller"]) set(`fans.${name}`, (d.fans || {})[name]);
  changed();
}

async function start() {
  const axes = $("#pd-axes");
  axes.append(...AXES.map(axisBox));
  const extruderRow = root.querySelector('[data-section="extruder"] .pd-row');
  extruderRow.before(
    h(
      "div",
      { class: "pd-row" },
      h("label", { class: "field" }, "Extruder driver ", h("select", { "data-slot": "extruder.driver", "data-testid": "slot-extruder-driver" })),
      h("label", { class: "field" }, "Microsteps ", h("select", { "data-micro": "e" }, MICROSTEPS.map((m) => option(m, m))))
    ),
    mechanics("e", "direct")
  );
  const [printers, boards, schema] = await Promise.all([
    apiGet(root.dataset.printersUrl, null, { controlToken: false }),
    apiGet(root.dataset.boardsUrl, { page_size: 500 }, { controlToken: false }),
    apiGet(root.dataset.schemaUrl, null, { controlToken: false }),
  ]);
  if (printers.ok) $("#pd-template").append(...printers.data.map((p) => option(p.id, p.name)));
  if (boards.ok) $("#pd-board").replaceChildren(option("", "— choose a board —"), ...boards.data.results.map((b) => option(b.id, `${b.name} (${b.mcu_chip})`)));
  const sensors = schema.ok ? schema.data.$defs.sensor_type.enum : [];
  for (const select of root.querySelectorAll("[data-sensor]")) select.replaceChildren(...sensors.map((s) => option(s, s)));
  fillSlots();

  root.addEventListener("input", changed);
  root.addEventListener("change", (event) => {
    if (event.target.id === "pd-board") loadBoard(event.target.value).then(changed);
    else if (event.target.id === "pd-template") {
      if (event.target.value) loadTemplate(event.target.value);
    } else changed();
  });
  root.addEventListener("focusin", (event) => {
    const select = event.target.closest("select[data-slot]");
    if (!select || select.dataset.slot.endsWith(".driver")) return;
    for (const other of root.querySelectorAll(".active-slot")) other.classList.remove("active-slot");
    select.classList.add("active-slot");
    state.activeSlot = select;
  });
  root.addEventListener("click", (event) => {
    const target = event.target.closest("#pd-picture [data-connector]");
    if (target) pick(target.dataset.connector);
  });
  $("#pd-download").addEventListener("click", () => {
    const link = h("a", { href: URL.createObjectURL(new Blob([state.text], { type: "text/plain" })), download: `${$("#pd-id").value.trim() || "printer"}.cfg`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  });
  changed();
  window.printerDesigner = Object.freeze({ buildDefinition });
}

if (root) start();
