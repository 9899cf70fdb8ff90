// Pure functions behind the temperature chart: history buckets and live statuses -> uPlot columns.
// No DOM here, so the rules (a missing bucket is a gap, what the title may claim) stay easy to read.

/** Seconds since 1970 of an ISO 8601 time (the API writes microseconds; Date.parse wants at most ms). */
export function isoSeconds(iso) {
  if (iso === null || iso === undefined) return null;
  const trimmed = String(iso).replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** A heater has a target (possibly 0); a plain sensor has target null. */
export function isHeater(target) {
  return target !== null && target !== undefined;
}

/** "temperature_sensor chamber" -> "chamber", "heater_generic dryer" -> "dryer", "extruder" -> "extruder". */
export function componentLabel(component) {
  const parts = String(component).split(" ");
  return parts.length > 1 ? parts.slice(1).join(" ") : component;
}

/** The HEATER= name Klipper's SET_HEATER_TEMPERATURE takes for a component. */
export function heaterName(component) {
  const parts = String(component).split(" ");
  return parts.length > 1 ? parts.slice(1).join(" ") : component;
}

/**
 * The chart's data from GET /api/history/temperatures.
 *
 * Buckets are equal slices of since..until (points of them); the API leaves empty ones out.
 * Every slice between the first and the last one with data gets a row: a slice no component
 * has data in is null in every series, so uPlot (spanGaps false) breaks the line there.
 *
 * Returns {components: [{component, heater}], xs: [...], actual: {component: [...]}, target: {...}, width, since, until}.
 */
export function columnsFromHistory(history) {
  const since = isoSeconds(history.since);
  const until = isoSeconds(history.until);
  const points = Number(history.points) || 1;
  const width = (until - since) / points;
  const series = history.series || {};
  const names = Object.keys(series).sort(componentOrder);
  const byIndex = new Map(); // slice index -> {component: bucket}
  let first = Infinity;
  let last = -Infinity;
  for (const name of names) {
    for (const bucket of series[name]) {
      const start = isoSeconds(bucket.start);
      const index = Math.min(points - 1, Math.max(0, Math.round((start - since) / width)));
      if (!byIndex.has(index)) byIndex.set(index, {});
      byIndex.get(index)[name] = bucket;
      first = Math.min(first, index);
      last = Math.max(last, index);
    }
  }
  const components = names.map((name) => ({
    component: name,
    heater: series[name].some((bucket) => isHeater(bucket.target)),
  }));
  const xs = [];
  const actual = Object.fromEntries(names.map((name) => [name, []]));
  const target = Object.fromEntries(names.map((name) => [name, []]));
  if (first <= last) {
    for (let index = first; index <= last; index += 1) {
      const row = byIndex.get(index) || {};
      // The middle of the slice, but never past until (the last slice may be cut short).
      xs.push(Math.min(since + (index + 0.5) * width, until));
      for (const name of names) {
        const bucket = row[name];
        actual[name].push(bucket ? bucket.avg : null);
        target[name].push(bucket && bucket.target ? bucket.target : null);
      }
    }
  }
  return { components, xs, actual, target, width, since, until };
}

/** Extruders first, then the bed, then the rest by name. */
export function componentOrder(a, b) {
  const rank = (name) => (name.startsWith("extruder") ? 0 : name === "heater_bed" ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** An empty data set for the live view (filled by appendStatus). */
export function emptyColumns() {
  return { components: [], xs: [], actual: {}, target: {}, width: 0, since: null, until: null };
}

/**
 * Adds a status payload's readings at its updated_at. Returns "rebuild" when a component
 * appeared (uPlot needs new series), "append" when a row was added, null when it was dropped
 * (not newer than the last row). A pause longer than gapSeconds since the last row adds a null
 * row first, so the line breaks instead of bridging the time nobody reported.
 */
export function appendStatus(columns, payload, { gapSeconds = 30, keepSeconds = null } = {}) {
  const x = isoSeconds(payload.updated_at);
  const readings = payload.temperatures || [];
  if (x === null || readings.length === 0) return null;
  const lastX = columns.xs.length ? columns.xs[columns.xs.length - 1] : null;
  if (lastX !== null && x <= lastX) return null;
  let outcome = "append";
  for (const reading of readings) {
    if (!(reading.component in columns.actual)) {
      columns.components.push({ component: reading.component, heater: isHeater(reading.target) });
      columns.components.sort((a, b) => componentOrder(a.component, b.component));
      columns.actual[reading.component] = columns.xs.map(() => null);
      columns.target[reading.component] = columns.xs.map(() => null);
      outcome = "rebuild";
    } else if (isHeater(reading.target)) {
      const entry = columns.components.find((c) => c.component === reading.component);
      if (!entry.heater) {
        entry.heater = true;
        outcome = "rebuild";
      }
    }
  }
  if (lastX !== null && x - lastX > gapSeconds) pushRow(columns, lastX + gapSeconds / 2, new Map());
  pushRow(columns, x, new Map(readings.map((reading) => [reading.component, reading])));
  if (keepSeconds !== null) trim(columns, x - keepSeconds);
  return outcome;
}

function pushRow(columns, x, readings) {
  columns.xs.push(x);
  for (const { component } of columns.components) {
    const reading = readings.get(component);
    columns.actual[component].push(reading ? reading.actual : null);
    columns.target[component].push(reading && reading.target ? reading.target : null);
  }
}

function trim(columns, before) {
  let drop = 0;
  while (drop < columns.xs.length && columns.xs[drop] < before) drop += 1;
  if (!drop) return;
  columns.xs.splice(0, drop);
  for (const { component } of columns.components) {
    columns.actual[component].splice(0, drop);
    columns.target[component].splice(0, drop);
  }
}

/** uPlot's data: [xs, actual of each component, then target of each heater], and what each column is. */
export function uplotData(columns) {
  const data = [columns.xs];
  const meta = [null];
  for (const { component } of columns.components) {
    data.push(columns.actual[component]);
    meta.push({ component, kind: "actual" });
  }
  for (const { component, heater } of columns.components) {
    if (!heater) continue;
    data.push(columns.target[component]);
    meta.push({ component, kind: "target" });
  }
  return { data, meta };
}

/** Whether the data reaches back to the start of the asked range (within one slice, at least a minute). */
export function coversRange(columns, since) {
  if (!columns.xs.length || since === null) return false;
  const slack = Math.max(60, 1.5 * (columns.width || 0));
  return columns.xs[0] - since <= slack;
}

/** The newest row index at or before idx with a value in column values (the legend's fallback). */
export function lastValueIndex(values, idx = values.length - 1) {
  for (let i = Math.min(idx, values.length - 1); i >= 0; i -= 1) {
    if (values[i] !== null && values[i] !== undefined) return i;
  }
  return null;
}
