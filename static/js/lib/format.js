// Formatting shared by every page: times in the browser's locale with a 24 h clock (12 h when
// the page's query has clock=12), durations, temperatures, percentages and sizes.

const DASH = "–";

function twelveHour() {
  try {
    return new URLSearchParams(window.location.search).get("clock") === "12";
  } catch {
    return false;
  }
}

const formatters = new Map();
function formatter(key, options) {
  const full = `${key}:${twelveHour() ? 12 : 24}`;
  let found = formatters.get(full);
  if (!found) {
    const clock = twelveHour() ? { hour12: true } : { hourCycle: "h23" };
    found = new Intl.DateTimeFormat(undefined, { ...options, ...clock });
    formatters.set(full, found);
  }
  return found;
}

function toDate(dateOrIso) {
  if (dateOrIso === null || dateOrIso === undefined || dateOrIso === "") return null;
  const date = dateOrIso instanceof Date ? dateOrIso : new Date(dateOrIso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" (or "14:05:09" with seconds); "–" for no time. */
export function formatClock(dateOrIso, { seconds = false } = {}) {
  const date = toDate(dateOrIso);
  if (!date) return DASH;
  const options = { hour: "2-digit", minute: "2-digit" };
  if (seconds) options.second = "2-digit";
  return formatter(seconds ? "clock-s" : "clock", options).format(date);
}

/** "1 Dec 2026, 14:05" in the locale's order; "–" for no time. */
export function formatDateTime(dateOrIso) {
  const date = toDate(dateOrIso);
  if (!date) return DASH;
  return formatter("datetime", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

/** "45 s", "12 min", "1 h 20 min", "3 d 2 h"; "–" for no number. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return DASH;
  const total = Math.max(0, Math.round(Number(seconds)));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

/** "in 1 h 20 min"; "now" for a time already reached; "–" for no number. */
export function formatIn(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return DASH;
  if (Number(seconds) < 1) return "now";
  return `in ${formatDuration(seconds)}`;
}

function number(value, digits) {
  return Number(value).toFixed(digits);
}

/** "209.8 / 210 °C"; "209.8 °C" without a target (null or 0); "–" without a reading. */
export function formatTemperature(actual, target) {
  const hasActual = actual !== null && actual !== undefined && Number.isFinite(Number(actual));
  const hasTarget = target !== null && target !== undefined && Number.isFinite(Number(target)) && Number(target) !== 0;
  if (!hasActual) return hasTarget ? `${DASH} / ${number(target, 0)} °C` : DASH;
  return hasTarget ? `${number(actual, 1)} / ${number(target, 0)} °C` : `${number(actual, 1)} °C`;
}

/** 0.425 -> "42.5 %"; "–" for no number. */
export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(Number(fraction))) return DASH;
  return `${(Math.round(Number(fraction) * 1000) / 10).toFixed(1)} %`;
}

/** 532 -> "532 B", 1536 -> "1.5 KB", 3 * 1024 ** 2 -> "3.0 MB"; "–" for no number. */
export function formatBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return DASH;
  let value = Math.max(0, Number(n));
  if (value < 1024) return `${Math.round(value)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
