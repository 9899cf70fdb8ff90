// One printer's card on the farm grid. update() writes only what changed since the last
// call, and only text (textContent) or attributes: no HTML from the server is ever parsed.
import { h, setText } from "../lib/dom.js";
import { formatClock, formatDuration, formatIn, formatPercent, formatTemperature } from "../lib/format.js";

// Connection states that are a problem, as the card names them.
const PROBLEMS = {
  unreachable: "Unreachable",
  auth_failed: "API key refused",
  klippy_not_ready: "Klippy not ready",
};
const COMPONENT_LABELS = { extruder: "Extruder", heater_bed: "Bed" };

function componentLabel(component) {
  if (COMPONENT_LABELS[component]) return COMPONENT_LABELS[component];
  return component.replace(/^temperature_sensor /, "").replace(/^heater_generic /, "").replaceAll("_", " ");
}

export class Card {
  constructor(printer) {
    this.slug = printer.slug;
    this.shown = {};
    this.temps = new Map();
    this.checkbox = h("input", {
      type: "checkbox",
      class: "select",
      dataset: { select: printer.slug },
      "aria-label": `Select ${printer.name}`,
    });
    this.nameLink = h("a", { href: `/printers/${encodeURIComponent(printer.slug)}`, text: printer.name });
    this.stateWord = h("span", { class: "state-word", dataset: { field: "state" } });
    this.badge = h("span", { class: "badge" }, h("span", { class: "dot", "aria-hidden": "true" }), this.stateWord);
    this.problem = h("p", { class: "card-problem", dataset: { field: "connection" }, hidden: true });
    this.message = h("p", { class: "card-message", dataset: { field: "message" } });
    this.thumb = h("img", {
      class: "thumb",
      alt: "",
      loading: "lazy",
      decoding: "async",
      width: "64",
      height: "64",
      dataset: { field: "thumbnail" },
      hidden: true,
    });
    this.thumb.addEventListener("error", () => {
      this.thumb.hidden = true;
    });
    this.thumb.addEventListener("load", () => this.thumb.classList.remove("loading"));
    this.file = h("div", { class: "job-file", dataset: { field: "file" } });
    this.bar = h("div", { class: "bar", dataset: { field: "progress-bar" } });
    this.progressBox = h("div", {
      class: "progress",
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
      "aria-label": `${printer.name} progress`,
    }, this.bar);
    this.progress = h("span", { class: "job-progress", dataset: { field: "progress" } });
    this.layer = h("span", { class: "job-layer", dataset: { field: "layer" } });
    this.elapsed = h("span", { class: "job-elapsed", dataset: { field: "elapsed" } });
    this.eta = h("span", { class: "job-eta", dataset: { field: "eta" } });
    this.jobDetails = h(
      "div",
      { class: "job-details" },
      this.progressBox,
      h("div", { class: "job-meta" }, this.progress, this.layer),
      h("div", { class: "job-meta" }, this.elapsed, this.eta),
    );
    this.job = h("div", { class: "card-job", dataset: { field: "job" } }, this.thumb, h("div", { class: "job-main" }, this.file, this.jobDetails));
    this.tempList = h("ul", { class: "temps", dataset: { field: "temperatures" } });
    this.tagList = h("ul", { class: "tags", dataset: { field: "tags" } });
    this.element = h(
      "article",
      { class: "card", dataset: { printer: printer.slug } },
      h("header", { class: "card-head" }, this.checkbox, h("h2", { class: "card-name" }, this.nameLink), this.badge),
      this.problem,
      this.message,
      this.job,
      this.tempList,
      this.tagList,
    );
  }

  set(key, value, write) {
    if (this.shown[key] === value) return false;
    this.shown[key] = value;
    write(value);
    return true;
  }

  /** Bring the card up to ``printer``; returns whether its state changed. */
  update(printer, now = Date.now()) {
    const status = printer.status;
    const state = printer.state || "offline";
    const stateChanged = this.set("state", state, (value) => {
      this.element.className = `card state-${value}`;
      this.element.dataset.state = value;
      setText(this.stateWord, value);
    });
    this.set("name", printer.name, (value) => {
      setText(this.nameLink, value);
      this.nameLink.title = value; // the full name where the card cuts it short
      this.checkbox.setAttribute("aria-label", `Select ${value}`);
    });
    const problem = this.updateConnection(printer.connection);
    // A message the connection problem already says is not repeated under it.
    const message = (status && status.message) || "";
    const repeated = Boolean(problem && message && problem.includes(message));
    this.set("message", repeated ? "" : message, (value) => setText(this.message, value));
    this.updateJob(status, now);
    this.updateTemperatures((status && status.temperatures) || []);
    this.set("tags", printer.tags.join("\u0000"), () => {
      this.tagList.replaceChildren(...printer.tags.map((tag) => h("li", { class: "tag", text: tag })));
    });
    return stateChanged;
  }

  /** Show the connection problem, if any; returns its text ("" when there is none). */
  updateConnection(connection) {
    const problem = connection && PROBLEMS[connection.state] ? connection : null;
    const text = problem ? `${PROBLEMS[problem.state]}${problem.message ? `: ${problem.message}` : ""}` : "";
    this.set("connection", text, (value) => {
      setText(this.problem, value);
      this.problem.hidden = !value;
      if (problem) {
        this.problem.dataset.connection = problem.state;
        this.problem.title = `Connection: ${problem.state}`;
      } else {
        delete this.problem.dataset.connection;
        this.problem.removeAttribute("title");
      }
    });
    return text;
  }

  updateJob(status, now) {
    const job = status && status.active_job;
    this.set("has-job", Boolean(job), (value) => {
      this.jobDetails.hidden = !value;
      this.element.classList.toggle("has-job", value);
    });
    if (!job) {
      this.set("file", "No active job", (value) => setText(this.file, value));
      this.setThumbnail(null);
      return;
    }
    this.set("file", job.name || "(unnamed job)", (value) => {
      setText(this.file, value);
      this.file.title = value;
    });
    const fraction = Math.max(0, Math.min(1, Number(job.progress) || 0));
    this.set("progress", fraction, (value) => {
      this.bar.style.transform = `scaleX(${value})`;
      this.progressBox.setAttribute("aria-valuenow", String(Math.round(value * 1000) / 10));
      setText(this.progress, formatPercent(value));
    });
    const layer =
      job.current_layer !== null && job.current_layer !== undefined
        ? `Layer ${job.current_layer}${job.total_layers ? ` / ${job.total_layers}` : ""}`
        : job.total_layers
          ? `${job.total_layers} layers`
          : "";
    this.set("layer", layer, (value) => setText(this.layer, value));
    this.setThumbnail(job.thumbnail_url || null);
    this.updateTimes(status, now);
  }

  /** Elapsed and ETA move with the clock: main.js calls this every few seconds too. */
  updateTimes(status, now = Date.now()) {
    const job = status && status.active_job;
    if (!job) return;
    let elapsed = null;
    if (job.elapsed_seconds !== null && job.elapsed_seconds !== undefined) {
      elapsed = Number(job.elapsed_seconds);
      const at = Date.parse(status.updated_at);
      if (status.state === "printing" && !Number.isNaN(at)) elapsed += Math.max(0, (now - at) / 1000);
    } else if (job.started_at) {
      const started = Date.parse(job.started_at);
      if (!Number.isNaN(started)) elapsed = (now - started) / 1000;
    }
    const elapsedText = elapsed === null ? "" : `Elapsed ${formatDuration(elapsed)}`;
    this.set("elapsed", elapsedText, (value) => setText(this.elapsed, value));
    let etaText = "";
    const eta = job.estimated_completion ? Date.parse(job.estimated_completion) : NaN;
    if (!Number.isNaN(eta)) {
      etaText = `ETA ${formatClock(eta)} (${formatIn((eta - now) / 1000)})`;
    }
    this.set("eta", etaText, (value) => {
      setText(this.eta, value);
      this.eta.dataset.eta = job.estimated_completion || "";
    });
  }

  setThumbnail(url) {
    this.set("thumbnail", url || "", (value) => {
      if (!value) {
        this.thumb.hidden = true;
        this.thumb.removeAttribute("src");
        return;
      }
      // Laid out but invisible until it loads (a lazy image that is display: none never loads);
      // gone when it fails.
      this.thumb.classList.add("loading");
      this.thumb.hidden = false;
      this.thumb.src = value;
    });
  }

  updateTemperatures(readings) {
    const components = readings.map((reading) => reading.component).join("\u0000");
    this.set("temp-components", components, () => {
      this.temps.clear();
      this.tempList.replaceChildren(
        ...readings.map((reading) => {
          const value = h("span", { class: "temp-value" });
          const item = h(
            "li",
            { class: "temp", dataset: { component: reading.component } },
            h("span", { class: "temp-name", text: componentLabel(reading.component) }),
            value,
          );
          this.temps.set(reading.component, { item, value, text: "" });
          return item;
        }),
      );
    });
    for (const reading of readings) {
      const entry = this.temps.get(reading.component);
      const text = formatTemperature(reading.actual, reading.target);
      if (entry && entry.text !== text) {
        entry.text = text;
        entry.value.textContent = text;
        entry.item.classList.toggle("heating", Boolean(reading.target));
      }
    }
  }
}
