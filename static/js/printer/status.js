// The live status panel: state, message, job (thumbnail, progress, layer, elapsed, ETA), heaters
// and sensors, fans, toolhead, and the connection problem. Text only, via textContent.
import { h } from "../lib/dom.js";
import { formatClock, formatDuration, formatIn, formatPercent, formatTemperature } from "../lib/format.js";
import { componentLabel, componentOrder, isHeater, isoSeconds } from "./chart-data.js";

const STATES = ["printing", "paused", "idle", "error", "offline"];

export class StatusPanel {
  constructor(root) {
    this.root = root;
    this.field = (name) => root.querySelector(`[data-field="${name}"]`);
    this.heaterRows = new Map(); // component -> {row, value, input, button, out}
    this.onSetTarget = null; // set by the controls: (component, value, out) => Promise
    this.payload = null;
    // "in 12 min" gets older between statuses.
    setInterval(() => this.payload && this.renderJob(this.payload), 15000);
  }

  render(payload) {
    this.payload = payload;
    const state = this.field("state");
    state.textContent = payload.state;
    state.className = `pp-state state-${STATES.includes(payload.state) ? payload.state : "unknown"}`;
    state.dataset.state = payload.state;
    this.root.dataset.state = payload.state;
    this.field("message").textContent = payload.message || "";
    this.renderJob(payload);
    this.renderHeaters(payload.temperatures || []);
    this.renderFans(payload.fans);
    this.renderToolhead(payload.toolhead);
    const updated = isoSeconds(payload.updated_at);
    this.field("updated").textContent = updated ? formatClock(new Date(updated * 1000), { seconds: true }) : "–";
  }

  renderJob(payload) {
    const job = payload.active_job;
    const bar = this.field("bar");
    const progressbar = this.field("progressbar");
    const thumbnail = this.field("thumbnail");
    if (!job) {
      this.field("job-name").textContent = "No active job";
      this.field("progress").textContent = "–";
      this.field("layer").textContent = "–";
      this.field("elapsed").textContent = "–";
      this.field("eta").textContent = "–";
      bar.style.width = "0%";
      progressbar.setAttribute("aria-valuenow", "0");
      this.setThumbnail(null);
      return;
    }
    this.field("job-name").textContent = `${job.name} (${job.status})`;
    const fraction = Math.max(0, Math.min(1, Number(job.progress) || 0));
    this.field("progress").textContent = formatPercent(fraction);
    bar.style.width = `${(fraction * 100).toFixed(1)}%`;
    progressbar.setAttribute("aria-valuenow", (fraction * 100).toFixed(1));
    const layer = job.current_layer;
    const layers = job.total_layers;
    this.field("layer").textContent =
      layer !== null && layer !== undefined ? (layers ? `${layer} / ${layers}` : `${layer}`) : layers ? `– / ${layers}` : "–";
    let elapsed = job.elapsed_seconds;
    if (elapsed === null || elapsed === undefined) {
      const started = isoSeconds(job.started_at);
      elapsed = started ? Date.now() / 1000 - started : null;
    }
    this.field("elapsed").textContent = elapsed !== null && elapsed >= 0 ? formatDuration(elapsed) : "–";
    const eta = isoSeconds(job.estimated_completion);
    if (eta) {
      const left = Math.max(0, eta - Date.now() / 1000);
      this.field("eta").textContent = `${formatClock(new Date(eta * 1000))} (${formatIn(left)})`;
    } else this.field("eta").textContent = "–";
    this.setThumbnail(job.thumbnail_url || null);
  }

  setThumbnail(url) {
    const image = this.field("thumbnail");
    if (!url) {
      image.hidden = true;
      image.removeAttribute("src");
      delete image.dataset.url;
      return;
    }
    if (image.dataset.url === url) return; // fetched once per file
    image.dataset.url = url;
    image.hidden = false;
    image.onerror = () => {
      image.hidden = true;
    };
    image.alt = "Thumbnail of the file being printed";
    image.src = url;
  }

  renderHeaters(readings) {
    const body = this.field("heaters");
    const sorted = [...readings].sort((a, b) => componentOrder(a.component, b.component));
    const seen = new Set(sorted.map((reading) => reading.component));
    for (const [component, entry] of this.heaterRows) {
      if (!seen.has(component)) {
        entry.row.remove();
        this.heaterRows.delete(component);
      }
    }
    if (!sorted.length) {
      body.replaceChildren(h("tr", { class: "pp-empty" }, h("td", { colspan: "3", text: "No readings yet" })));
      return;
    }
    body.querySelector(".pp-empty")?.remove();
    sorted.forEach((reading, index) => {
      let entry = this.heaterRows.get(reading.component);
      if (!entry) {
        entry = this.heaterRow(reading);
        this.heaterRows.set(reading.component, entry);
      }
      // Moved only when out of place: moving a row would take the focus from a half-typed target.
      if (body.children[index] !== entry.row) body.insertBefore(entry.row, body.children[index] || null);
      entry.value.textContent = formatTemperature(reading.actual, reading.target);
      entry.value.dataset.actual = String(reading.actual);
      entry.value.dataset.target = reading.target === null ? "" : String(reading.target);
    });
  }

  heaterRow(reading) {
    const component = reading.component;
    const value = h("td", { class: "pp-num", dataset: { testid: "heater-value" } });
    const cells = [h("th", { scope: "row", title: component, text: componentLabel(component) }), value];
    const entry = { row: null, value };
    if (isHeater(reading.target)) {
      const input = h("input", {
        type: "number",
        min: "0",
        max: "400",
        step: "1",
        inputmode: "numeric",
        "aria-label": `New target for ${component}, °C`,
        dataset: { testid: "target-input" },
      });
      const out = h("output", { class: "pp-out", dataset: { testid: "target-message" } });
      const form = h(
        "form",
        {
          class: "pp-target",
          onsubmit: (event) => {
            event.preventDefault();
            if (this.onSetTarget && input.value !== "") this.onSetTarget(component, Number(input.value), out, form);
          },
        },
        input,
        h("button", { type: "submit", dataset: { testid: "target-set" }, text: "Set" }),
        h("button", {
          type: "button",
          dataset: { testid: "target-off" },
          text: "Off",
          onclick: () => this.onSetTarget && this.onSetTarget(component, 0, out, form),
        }),
        out,
      );
      cells.push(h("td", { class: "pp-needs-token" }, form));
    } else {
      cells.push(h("td", { class: "pp-needs-token pp-muted", text: "sensor" }));
    }
    entry.row = h("tr", { dataset: { component } }, ...cells);
    return entry;
  }

  renderFans(fans) {
    const list = this.field("fans");
    if (!Array.isArray(fans) || !fans.length) {
      list.replaceChildren(h("li", { class: "pp-empty", text: "None reported" }));
      return;
    }
    list.replaceChildren(
      ...fans.map((fan) =>
        h(
          "li",
          { dataset: { fan: fan.name } },
          h("span", { text: componentLabel(fan.name) }),
          h("span", { class: "pp-num", text: fan.speed === null || fan.speed === undefined ? "–" : formatPercent(fan.speed) }),
        ),
      ),
    );
  }

  renderToolhead(toolhead) {
    const target = this.field("toolhead");
    if (!toolhead) {
      target.textContent = "–";
      return;
    }
    const axis = (name) => {
      const value = toolhead[name];
      return `${name.toUpperCase()} ${value === null || value === undefined ? "–" : Number(value).toFixed(2)}`;
    };
    const homed = toolhead.homed_axes ? `homed ${toolhead.homed_axes}` : "not homed";
    target.textContent = `${axis("x")}  ${axis("y")}  ${axis("z")} · ${homed}`;
  }

  /** connection = {state, message, since}; shown unless connected. */
  renderConnection(connection) {
    const target = this.field("connection");
    if (!connection || connection.state === "connected") {
      target.hidden = true;
      target.textContent = "";
      delete target.dataset.state;
      return;
    }
    const since = isoSeconds(connection.since);
    const parts = [`Connection: ${connection.state.replaceAll("_", " ")}`];
    if (connection.message) parts.push(connection.message);
    let text = parts.join(": ");
    if (since) text += ` (since ${formatClock(new Date(since * 1000))})`;
    target.textContent = text;
    target.dataset.state = connection.state;
    target.hidden = false;
  }
}
