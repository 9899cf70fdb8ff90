// The temperature chart: live (seeded from the last minutes of history, then every status), or a
// range of 1 h .. 30 d from GET /api/history/temperatures. Uses the vendored uPlot (window.uPlot,
// loaded as a classic script before this module). Its legend is ours: values at the cursor, or the
// newest ones while the cursor is elsewhere.
import { apiGet } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { formatClock, formatDateTime, formatTemperature } from "../lib/format.js";
import {
  appendStatus,
  columnsFromHistory,
  componentLabel,
  coversRange,
  emptyColumns,
  lastValueIndex,
  uplotData,
} from "./chart-data.js";

export const RANGES = {
  live: { seconds: 15 * 60, points: 60, label: "live, last 15 min" },
  "1h": { seconds: 3600, points: 240, label: "last 1 h" },
  "6h": { seconds: 6 * 3600, points: 360, label: "last 6 h" },
  "24h": { seconds: 24 * 3600, points: 288, label: "last 24 h" },
  "7d": { seconds: 7 * 86400, points: 336, label: "last 7 d" },
  "30d": { seconds: 30 * 86400, points: 360, label: "last 30 d" },
};
const LIVE_GAP_SECONDS = 30;
// Readable on light and dark backgrounds alike.
const PALETTE = ["#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f08c00", "#0ca678", "#d6336c", "#5c7cfa"];

function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** uPlot draws no line through a single reading between gaps: such readings get a dot. */
function isolatedPoints(u, seriesIdx, show) {
  if (show) return null;
  const values = u.data[seriesIdx];
  const found = [];
  for (let i = 0; i < values.length; i += 1) {
    if (values[i] === null || values[i] === undefined) continue;
    const before = i === 0 ? null : values[i - 1];
    const after = i === values.length - 1 ? null : values[i + 1];
    if ((before === null || before === undefined) && (after === null || after === undefined)) found.push(i);
  }
  return found.length ? found : null;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

/** An x-axis label: the clock, or the date at midnight (and for ranges of days at the coarse ticks). */
function tickLabel(seconds, increment) {
  const date = new Date(seconds * 1000);
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  if (increment >= 86400 || midnight) return dayFormat.format(date);
  return formatClock(date, { seconds: increment < 60 });
}

/** "since 14:02" today, "since 29 Nov, 14:02" before. */
function sinceText(seconds) {
  const date = new Date(seconds * 1000);
  return sameDay(date, new Date()) ? formatClock(date) : formatDateTime(date);
}

export class TemperatureChart {
  constructor(root, { slug }) {
    this.slug = slug;
    this.root = root;
    this.target = root.querySelector('[data-testid="chart"]');
    this.title = root.querySelector('[data-testid="chart-title"]');
    this.note = root.querySelector('[data-testid="chart-note"]');
    this.legend = root.querySelector('[data-testid="legend"]');
    this.buttons = [...root.querySelectorAll("[data-range]")];
    this.range = "live";
    this.columns = emptyColumns();
    this.meta = [];
    this.plot = null;
    this.pending = []; // live statuses that arrived while the seed was loading
    this.loading = false;
    this.generation = 0;
    for (const button of this.buttons) {
      button.addEventListener("click", () => this.select(button.dataset.range));
    }
    new ResizeObserver(() => this.resize()).observe(this.target);
    // Axis and grid colours come from the theme: rebuild when it changes.
    new MutationObserver(() => this.rebuild()).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.rebuild());
    // A range of history is read again every minute (not while the cursor reads a value off it).
    setInterval(() => {
      const reading = this.plot && this.plot.cursor.idx !== null && this.plot.cursor.idx !== undefined;
      if (this.range !== "live" && !this.loading && !reading && document.visibilityState === "visible") this.load();
    }, 60_000);
  }

  async select(range) {
    if (!RANGES[range]) return;
    this.range = range;
    for (const button of this.buttons) button.setAttribute("aria-pressed", String(button.dataset.range === range));
    await this.load();
  }

  async load() {
    const generation = ++this.generation;
    const spec = RANGES[this.range];
    const until = new Date();
    const since = new Date(until.getTime() - spec.seconds * 1000);
    this.loading = true;
    this.pending = [];
    this.showNote("Loading…");
    const answer = await apiGet("/api/history/temperatures", {
      printer: this.slug,
      since: since.toISOString(),
      until: until.toISOString(),
      points: String(spec.points),
    });
    if (generation !== this.generation) return; // another range was chosen meanwhile
    this.loading = false;
    if (answer.ok) {
      this.columns = columnsFromHistory(answer.data);
    } else {
      this.columns = emptyColumns();
      this.columns.since = since.getTime() / 1000;
      this.columns.until = until.getTime() / 1000;
    }
    this.askedSince = since.getTime() / 1000;
    this.askedUntil = until.getTime() / 1000;
    if (this.range === "live") {
      for (const payload of this.pending) this.addLive(payload);
    }
    this.pending = [];
    this.rebuild();
    if (!answer.ok) this.showNote(`History unavailable: ${answer.error}`);
  }

  /** A status from the socket (or the first GET): drawn in the live view, kept for nothing else. */
  push(payload) {
    if (this.range !== "live") return;
    if (this.loading) {
      this.pending.push(payload);
      return;
    }
    const outcome = this.addLive(payload);
    if (outcome === "rebuild" || !this.plot) this.rebuild();
    else if (outcome === "append") {
      this.plot.setData(this.data, true);
      this.renderTitle();
      this.renderLegend(this.plot.cursor.idx);
    }
  }

  addLive(payload) {
    const outcome = appendStatus(this.columns, payload, {
      gapSeconds: LIVE_GAP_SECONDS,
      keepSeconds: RANGES.live.seconds,
    });
    if (outcome) this.data = uplotData(this.columns).data;
    return outcome;
  }

  showNote(text) {
    this.note.textContent = text;
    this.note.hidden = !text;
  }

  renderTitle() {
    const spec = RANGES[this.range];
    const xs = this.columns.xs;
    let text;
    if (!xs.length) text = `Temperatures, ${spec.label}`;
    else if (coversRange(this.columns, this.askedSince)) text = `Temperatures, ${spec.label}`;
    else text = `Temperatures${this.range === "live" ? ", live" : ""} since ${sinceText(xs[0])}`;
    this.title.textContent = text;
    this.title.dataset.range = this.range;
    if (!xs.length) {
      this.showNote(
        this.range === "live"
          ? "No readings yet: the chart fills as the printer reports."
          : "No readings in this range.",
      );
    } else this.showNote("");
  }

  rebuild() {
    const { data, meta } = uplotData(this.columns);
    this.data = data;
    this.meta = meta;
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
    }
    this.target.replaceChildren();
    this.renderTitle();
    if (!this.columns.xs.length) {
      this.renderLegend(null);
      return;
    }
    const colours = new Map(this.columns.components.map((c, i) => [c.component, PALETTE[i % PALETTE.length]]));
    const muted = cssVar("--muted", "#667");
    const border = cssVar("--border", "#ddd");
    const axis = {
      stroke: muted,
      grid: { stroke: border, width: 1 },
      ticks: { stroke: border, width: 1 },
      font: "12px system-ui, sans-serif",
    };
    const series = [{}];
    for (const column of meta.slice(1)) {
      const colour = colours.get(column.component);
      series.push(
        column.kind === "actual"
          ? {
              label: column.component,
              stroke: colour,
              width: 2,
              spanGaps: false,
              points: { show: false, filter: isolatedPoints, size: 5, fill: colour, stroke: colour },
            }
          : {
              label: `${column.component} target`,
              stroke: colour,
              width: 1,
              dash: [6, 4],
              spanGaps: false,
              points: { show: false },
            },
      );
    }
    const range = this.range;
    const xRange =
      range === "live"
        ? null
        : [
            coversRange(this.columns, this.askedSince) ? this.askedSince : this.columns.xs[0],
            this.askedUntil,
          ];
    const options = {
      width: this.width(),
      height: this.height(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: true, ...(xRange && xRange[0] < xRange[1] ? { range: () => xRange } : {}) },
        y: {
          range: (u, min, max) => {
            const lo = Math.min(0, Math.floor((min ?? 0) / 10) * 10);
            const hi = Math.max(50, Math.ceil(((max ?? 50) + 5) / 10) * 10);
            return [lo, hi];
          },
        },
      },
      axes: [
        {
          ...axis,
          space: 70,
          size: 36,
          values: (u, splits, axisIdx, space, increment) => splits.map((s) => tickLabel(s, increment)),
        },
        { ...axis, space: 36, size: 48, label: "°C", labelSize: 18, values: (u, splits) => splits.map((v) => `${Math.round(v)}`) },
      ],
      series,
      hooks: {
        setCursor: [(u) => this.renderLegend(u.cursor.idx)],
      },
    };
    this.colours = colours;
    this.plot = new window.uPlot(options, data, this.target);
    this.renderLegend(null);
  }

  width() {
    return Math.max(240, Math.floor(this.target.clientWidth || this.root.clientWidth || 320));
  }

  height() {
    return this.width() < 500 ? 220 : 300;
  }

  resize() {
    if (!this.plot) return;
    const width = this.width();
    if (Math.abs(width - this.plot.width) < 2) return;
    this.plot.setSize({ width, height: this.height() });
  }

  /** One entry per component: "209.8 / 210 °C" at the cursor, or the newest values. */
  renderLegend(idx) {
    const xs = this.columns.xs;
    const entries = [];
    const atCursor = idx !== null && idx !== undefined && idx < xs.length;
    if (xs.length) {
      const when = atCursor ? xs[idx] : xs[lastValueIndex(xs)];
      entries.push(
        h("li", { class: "pp-legend-time", dataset: { testid: "legend-time" } },
          atCursor ? `at ${formatClock(new Date(when * 1000), { seconds: true })}` : "latest"),
      );
    }
    // Short names ("chamber" for "temperature_sensor chamber") unless two would read the same.
    const short = this.columns.components.map(({ component }) => componentLabel(component));
    for (const { component, heater } of this.columns.components) {
      const label = short.filter((name) => name === componentLabel(component)).length > 1 ? component : componentLabel(component);
      const actualValues = this.columns.actual[component];
      const i = atCursor ? idx : lastValueIndex(actualValues);
      const actual = i === null ? null : actualValues[i];
      const target = heater && i !== null ? this.columns.target[component][i] : null;
      const value = actual === null || actual === undefined ? "no reading" : formatTemperature(actual, target);
      entries.push(
        h(
          "li",
          { dataset: { component } },
          h("span", { class: "pp-swatch", style: `--swatch: ${(this.colours && this.colours.get(component)) || "#888"}` }),
          h("span", { class: "pp-legend-name", text: label }),
          h("span", { class: "pp-legend-value", dataset: { testid: "legend-value" }, text: value }),
        ),
      );
    }
    this.legend.replaceChildren(...entries);
  }
}
