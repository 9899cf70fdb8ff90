// Printer designer: a form that builds a printer definition (printers/schema/printer-definition.v1.json)
// for a main board of the catalog and optionally a toolhead board (CAN or USB). Every change is sent
// to POST /api/printers-catalog/printer.cfg, which validates it (problems by JSON path, shown next to
// their fields) and answers the printer.cfg, shown beside the form and downloadable as it is.
// Connectors are chosen in lists, or on a board's picture: focus a list, then click a connector drawn
// over the picture. A list's value is the main board's id ("X_STOP") or "toolhead:" and the toolhead
// board's id. A valid printer can be submitted for review (POST /api/printer-submissions/, as the
// signed-in user); ?submission=<id> opens one's own submission for a new revision. Text goes in as
// text only.

import { apiGet, apiSend } from "../lib/api.js";
import { h, svg } from "../lib/dom.js";
import { modelDefinition, modelOpen, modelStart } from "./model.js";

const root = document.getElementById("printer-designer");
const $ = (selector) => root.querySelector(selector);
const CARTESIAN_AXES = ["x", "y", "z"];
const TOWERS = ["a", "b", "c"];
const MICROSTEPS = [16, 32, 64, 8, 128, 256, 4, 2, 1];
const TOOLHEAD = "toolhead:";
const state = {
  boards: { main: { board: null, overlay: null }, toolhead: { board: null, overlay: null } },
  activeSlot: null,
  text: "",
  valid: null, // the definition the shown printer.cfg was generated from
  limits: {}, // max_velocity and the like of the printer started from (the form has no fields for them)
  timer: 0,
  sequence: 0,
};

const axesOf = (kinematics) => (kinematics === "delta" ? TOWERS : kinematics === "none" ? [] : CARTESIAN_AXES);
const kinematics = () => $("#pd-kinematics").value;
const shownRole = () => ($("#pd-toolhead").value && $("#pd-picture-board").value === "toolhead" ? "toolhead" : "main");

// A list's value as a definition reference: {connector} on the main board, {board: "toolhead", connector} else.
function refOf(value, key = "connector") {
  if (value.startsWith(TOOLHEAD)) return { board: "toolhead", [key]: value.slice(TOOLHEAD.length) };
  return { [key]: value };
}

function valueOf(ref, key = "connector") {
  if (!ref) return "";
  return (ref.board || "main") === "toolhead" ? `${TOOLHEAD}${ref[key]}` : ref[key];
}

function option(value, label, selected = false) {
  return h("option", { value, text: label, selected });
}

function axisBox(axis) {
  const tower = TOWERS.includes(axis);
  const name = tower ? `Tower ${axis.toUpperCase()}` : `${axis.toUpperCase()} axis`;
  return h(
    "fieldset",
    { class: "pd-box", dataset: { axis } },
    h("legend", { text: name }),
    h(
      "div",
      { class: "pd-row" },
      h("label", { class: "field" }, "Driver ", h("select", { "data-slot": `axes.${axis}.driver`, "data-testid": `slot-${axis}-driver` })),
      h("label", { class: "field" }, "Microsteps ", h("select", { "data-micro": axis }, MICROSTEPS.map((m) => option(m, m)))),
      h("label", { class: "field" }, "Endstop ", h("select", { "data-slot": `axes.${axis}.endstop`, "data-kinds": "endstop probe", "data-testid": `slot-${axis}-endstop` })),
      tower ? null : h("label", { class: "field" }, "Endstop at ", h("select", { "data-end": axis }, option("min", "the minimum"), option("max", "the maximum")))
    ),
    mechanics(axis, axis === "z" ? "lead_screw" : "belt")
  );
}

// The axis boxes of the chosen kinematics (x, y, z; the towers a, b, c of a delta; none for a test rig).
function renderAxes() {
  const wanted = axesOf(kinematics());
  const box = $("#pd-axes");
  if (box.dataset.axes === wanted.join("")) return;
  box.dataset.axes = wanted.join("");
  box.replaceChildren(...wanted.map(axisBox));
  $("#pd-delta").hidden = kinematics() !== "delta";
  fillSlots();
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

function stepperOf(key, slotPath) {
  return { ...refOf(slot(slotPath), "driver"), microsteps: Number(root.querySelector(`[data-micro="${key}"]`).value), ...stepperMechanics(key) };
}

export function buildDefinition() {
  const volume = { x: num("#pd-volume-x"), y: num("#pd-volume-y"), z: num("#pd-volume-z") };
  const delta = kinematics() === "delta";
  const zProbe = $("#pd-z-probe").checked && Boolean($("#pd-probe-type").value);
  const axes = {};
  for (const axis of axesOf(kinematics())) {
    const homing = axis === "z" && zProbe ? { probe: true } : { endstop: refOf(slot(`axes.${axis}.endstop`)) };
    if (delta) {
      // A tower homes up to its endstop: there the nozzle is the build height above the bed.
      axes[axis] = { steppers: [stepperOf(axis, `axes.${axis}.driver`)], position_max: volume.z, position_endstop: volume.z, homing_speed: 50, homing };
      continue;
    }
    const atMax = root.querySelector(`[data-end="${axis}"]`).value === "max";
    axes[axis] = {
      steppers: [stepperOf(axis, `axes.${axis}.driver`)],
      position_min: 0,
      position_max: volume[axis],
      homing,
    };
    if (!homing.probe) axes[axis].position_endstop = atMax ? volume[axis] : 0;
    if (axis !== "z") axes[axis].homing_speed = 50;
  }
  const boards = { main: $("#pd-board").value };
  if ($("#pd-toolhead").value) boards.toolhead = { board: $("#pd-toolhead").value, connection: $("#pd-toolhead-connection").value };
  const definition = {
    schema_version: 1,
    id: $("#pd-id").value.trim(),
    name: $("#pd-name").value.trim(),
    manufacturer: $("#pd-manufacturer").value.trim(),
    kinematics: kinematics(),
    ...state.limits,
    boards,
    build_volume: volume,
    axes,
    extruder: {
      stepper: stepperOf("e", "extruder.driver"),
      heater: refOf(slot("extruder.heater")),
      thermistor: refOf(slot("extruder.thermistor")),
      sensor_type: $("#pd-extruder-sensor").value,
      nozzle_diameter: num("#pd-nozzle"),
      filament_diameter: 1.75,
    },
  };
  if (delta) definition.delta = { delta_radius: num("#pd-delta-radius"), arm_length: num("#pd-arm-length"), print_radius: num("#pd-print-radius") };
  if (slot("bed.heater") && slot("bed.thermistor")) {
    definition.heated_bed = { heater: refOf(slot("bed.heater")), thermistor: refOf(slot("bed.thermistor")), sensor_type: $("#pd-bed-sensor").value };
  }
  const fans = {};
  for (const name of ["part", "hotend", "controller"]) if (slot(`fans.${name}`)) fans[name] = refOf(slot(`fans.${name}`));
  if (Object.keys(fans).length) definition.fans = fans;
  const probeType = $("#pd-probe-type").value;
  if (probeType) {
    definition.probe = { type: probeType, connector: refOf(slot("probe.connector")), x_offset: num("#pd-probe-x"), y_offset: num("#pd-probe-y"), z_offset: num("#pd-probe-z") };
  }
  if (probeType && $("#pd-bed-mesh").checked) {
    // A margin of 20 mm, widened by the probe's offset so every point is within its reach.
    const px = definition.probe.x_offset;
    const py = definition.probe.y_offset;
    definition.bed_mesh = delta
      ? { mesh_radius: Math.max(1, Math.round(num("#pd-print-radius") - 10 - Math.max(Math.abs(px), Math.abs(py)))), probe_count: [5, 5] }
      : { mesh_min: [20 + Math.max(0, px), 20 + Math.max(0, py)], mesh_max: [volume.x - 20 + Math.min(0, px), volume.y - 20 + Math.min(0, py)], probe_count: [5, 5] };
  }
  const model = modelDefinition();
  if (model) definition.model = model;
  return definition;
}

function slotItems(role, select) {
  const board = state.boards[role].board;
  if (!board) return [];
  const prefix = role === "toolhead" ? TOOLHEAD : "";
  if (select.dataset.slot.endsWith(".driver")) return board.drivers.map((d) => [prefix + d.id, d.label || d.id]);
  const kinds = (select.dataset.kinds || "").split(" ");
  return board.connectors.filter((c) => kinds.includes(c.kind)).map((c) => [prefix + c.id, `${c.label} (${c.id})`]);
}

function fillSlots() {
  const toolhead = Boolean($("#pd-toolhead").value && state.boards.toolhead.board);
  for (const select of root.querySelectorAll("[data-slot]")) {
    const kept = select.value;
    const isDriver = select.dataset.slot.endsWith(".driver");
    const none = option("", isDriver ? "— choose a driver —" : "— none —");
    const options = (role) => slotItems(role, select).map(([value, label]) => option(value, label, value === kept));
    if (!toolhead) select.replaceChildren(none, ...options("main"));
    else {
      select.replaceChildren(
        none,
        h("optgroup", { label: "Main board" }, options("main")),
        h("optgroup", { label: "Toolhead board" }, options("toolhead"))
      );
    }
  }
  $("#pd-picture-choice").hidden = !toolhead;
}

function drawPicture() {
  const box = $("#pd-picture");
  const role = shownRole();
  const overlay = state.boards[role].overlay;
  if (!overlay) return box.replaceChildren();
  const prefix = role === "toolhead" ? TOOLHEAD : "";
  const chosen = new Set(
    [...root.querySelectorAll("[data-slot]")]
      .map((s) => s.value)
      .filter((value) => value && value.startsWith(TOOLHEAD) === (role === "toolhead"))
      .map((value) => value.slice(prefix.length))
  );
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
  const role = shownRole();
  const value = role === "toolhead" ? `${TOOLHEAD}${connectorId}` : connectorId;
  if (![...select.options].some((o) => o.value === value)) {
    const connector = state.boards[role].board.connectors.find((c) => c.id === connectorId);
    status.textContent = `${connector ? connector.label : connectorId} does not fit there (it is a ${connector ? connector.kind : "?"} connector).`;
    return;
  }
  select.value = value;
  status.textContent = `${connectorId} chosen for ${select.closest("label").firstChild.textContent.trim()}.`;
  changed();
}

async function loadBoard(role, boardId) {
  const slotState = state.boards[role];
  slotState.board = null;
  slotState.overlay = null;
  if (boardId) {
    const [definition, overlay] = await Promise.all([
      apiGet(`${root.dataset.boardsUrl}${encodeURIComponent(boardId)}/`, null, { controlToken: false }),
      apiGet(`/boards/${encodeURIComponent(boardId)}/overlay.json`, null, { controlToken: false }),
    ]);
    if (definition.ok) slotState.board = definition.data;
    if (overlay.ok) slotState.overlay = overlay.data;
  }
  if (role === "toolhead") $("#pd-picture-board").value = boardId ? "toolhead" : "main";
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
    else if (parts[0] === "probe") field = root.querySelector('[data-slot="probe.connector"]');
    else if (parts[0] === "delta") field = $(`#pd-${parts[1] === "arm_length" ? "arm-length" : parts[1] === "print_radius" ? "print-radius" : "delta-radius"}`);
    else if (parts[0] === "boards") field = $(parts[1] === "toolhead" ? "#pd-toolhead" : "#pd-board");
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
    state.valid = definition;
    if ($("#pd-submit")) $("#pd-submit").disabled = false;
    $("#pd-preview").textContent = answer.data;
    $("#pd-download").disabled = false;
    showProblems([]);
    status.textContent = "Valid: printer.cfg generated.";
    status.className = "validation-status good";
    return;
  }
  state.text = "";
  state.valid = null;
  $("#pd-download").disabled = true;
  if ($("#pd-submit")) $("#pd-submit").disabled = true;
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

// The form from a definition (a shipped printer's, or one's own submission's).
const LIMITS = ["max_velocity", "max_accel", "max_z_velocity", "max_z_accel"];

async function applyDefinition(d, { id = d.id } = {}) {
  state.limits = Object.fromEntries(LIMITS.filter((key) => key in d).map((key) => [key, d[key]]));
  $("#pd-name").value = d.name;
  $("#pd-id").value = id;
  $("#pd-manufacturer").value = d.manufacturer;
  $("#pd-kinematics").value = d.kinematics;
  renderAxes();
  for (const axis of CARTESIAN_AXES) $(`#pd-volume-${axis}`).value = d.build_volume[axis];
  $("#pd-board").value = d.boards.main;
  const toolhead = d.boards.toolhead;
  $("#pd-toolhead").value = toolhead ? toolhead.board : "";
  if (toolhead) $("#pd-toolhead-connection").value = toolhead.connection;
  await Promise.all([loadBoard("main", d.boards.main), loadBoard("toolhead", toolhead ? toolhead.board : "")]);
  fillSlots();
  drawPicture();
  const set = (path, ref, key = "connector") => {
    if (ref) root.querySelector(`[data-slot="${path}"]`).value = valueOf(ref, key);
  };
  if (d.delta) {
    $("#pd-delta-radius").value = d.delta.delta_radius;
    $("#pd-arm-length").value = d.delta.arm_length;
    if (d.delta.print_radius) $("#pd-print-radius").value = d.delta.print_radius;
  }
  for (const axis of axesOf(d.kinematics)) {
    const spec = d.axes[axis];
    if (!spec) continue;
    set(`axes.${axis}.driver`, spec.steppers[0], "driver");
    set(`axes.${axis}.endstop`, spec.homing.endstop);
    const end = root.querySelector(`[data-end="${axis}"]`);
    if (end) end.value = spec.position_endstop && spec.position_endstop === spec.position_max ? "max" : "min";
    setMechanics(axis, spec.steppers[0]);
  }
  set("extruder.driver", d.extruder.stepper, "driver");
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
  $("#pd-probe-type").value = d.probe ? d.probe.type : "";
  if (d.probe) {
    set("probe.connector", d.probe.connector);
    $("#pd-probe-x").value = d.probe.x_offset;
    $("#pd-probe-y").value = d.probe.y_offset;
    $("#pd-probe-z").value = d.probe.z_offset;
  }
  $("#pd-z-probe").checked = Boolean(d.axes.z && d.axes.z.homing.probe);
  $("#pd-bed-mesh").checked = Boolean(d.bed_mesh);
  modelOpen(root, d.model || null);
  changed();
}

async function loadTemplate(printerId) {
  const answer = await apiGet(`${root.dataset.printersUrl}${encodeURIComponent(printerId)}/`, null, { controlToken: false });
  if (answer.ok) await applyDefinition(answer.data, { id: `${answer.data.id}-custom` });
}

async function openSubmission(submissionId) {
  const status = $("#pd-status");
  const answer = await apiGet(`${root.dataset.submissionsUrl}${encodeURIComponent(submissionId)}/`, null, { controlToken: false });
  if (!answer.ok || !answer.data || typeof answer.data !== "object") {
    status.textContent = `Could not load submission ${submissionId}: ${answer.error || `HTTP ${answer.status}`}.`;
    status.className = "validation-status bad";
    return;
  }
  await applyDefinition(answer.data.definition);
}

async function submitForReview() {
  const status = $("#pd-submit-status");
  const definition = state.valid;
  if (!definition) return;
  status.textContent = "Submitting…";
  status.className = "validation-status";
  const answer = await apiSend("POST", root.dataset.submissionsUrl, { json: { definition }, controlToken: false, csrf: root.dataset.csrfToken });
  if (!answer.ok) {
    const problems = answer.data && Array.isArray(answer.data.errors) ? answer.data.errors : [];
    if (problems.length) showProblems(problems);
    status.textContent = `Not submitted: ${answer.error}`;
    status.className = "validation-status bad";
    return;
  }
  const submission = answer.data;
  const revision = submission.revisions && submission.revisions[0];
  status.replaceChildren(
    `Submitted for review: ${submission.printer_id}, revision ${revision ? revision.number : 1} (${submission.state}). `,
    h("a", { href: submission.review_url, text: "Its review page", "data-testid": "pd-review-link" })
  );
  status.className = "validation-status good";
  status.dataset.submission = String(submission.id);
}

async function start() {
  renderAxes();
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
  if (boards.ok) {
    const choices = () => boards.data.results.map((b) => option(b.id, `${b.name} (${b.mcu_chip})`));
    $("#pd-board").replaceChildren(option("", "— choose a board —"), ...choices());
    $("#pd-toolhead").replaceChildren(option("", "— none —"), ...choices());
  }
  const sensors = schema.ok ? schema.data.$defs.sensor_type.enum : [];
  for (const select of root.querySelectorAll("[data-sensor]")) select.replaceChildren(...sensors.map((s) => option(s, s)));
  fillSlots();

  const models = modelStart(root, changed);
  root.addEventListener("input", changed);
  root.addEventListener("change", (event) => {
    if (event.target.id === "pd-board") loadBoard("main", event.target.value).then(changed);
    else if (event.target.id === "pd-toolhead") loadBoard("toolhead", event.target.value).then(changed);
    else if (event.target.id === "pd-picture-board") drawPicture();
    else if (event.target.id === "pd-kinematics") {
      renderAxes();
      changed();
    } else if (event.target.id === "pd-template") {
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
  if ($("#pd-submit")) $("#pd-submit").addEventListener("click", submitForReview);
  const submission = new URLSearchParams(window.location.search).get("submission");
  if (submission) await openSubmission(submission);
  else changed();
  window.printerDesigner = Object.freeze({ buildDefinition, model: models });
}

if (root) start();
