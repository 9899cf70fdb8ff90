// The farm at /: a live card per printer, fed by /ws/status (no polling while the socket is up;
// GET /api/status only as a fallback while it is down). Updates are batched into one animation
// frame and each card writes only the fields that changed, so 200 printers stay smooth.
import { apiGet } from "../lib/api.js";
import { formatClock } from "../lib/format.js";
import { StatusSocket } from "../lib/ws.js";
import { Bulk } from "./bulk.js";
import { Card } from "./card.js";
import { STATES, comparator, matches, matchesSearch, readView, viewQuery } from "./view.js";

const FALLBACK_AFTER_MS = 4000; // socket down this long: poll GET /api/status
const FALLBACK_EVERY_MS = 10_000;
const TICK_MS = 5000; // elapsed / ETA move with the clock

const root = document.getElementById("farm");
const grid = document.getElementById("grid");
const live = document.getElementById("live");
const printers = new Map(); // slug -> {slug, name, tags, source_kind, state, status, connection, card}
let view = readView();
let order = []; // slugs shown, in order
const dirty = new Set();
let layoutDirty = true;
let frame = 0;

// --- printers -----------------------------------------------------------------------

function addPrinter(data) {
  const printer = {
    slug: data.slug,
    name: data.name || data.slug,
    tags: Array.isArray(data.tags) ? data.tags : [],
    source_kind: data.source_kind || "",
    state: data.state || "offline",
    status: null,
    connection: data.connection || null,
  };
  printer.card = new Card(printer);
  printers.set(printer.slug, printer);
  grid.append(printer.card.element);
  markDirty(printer.slug, true);
  return printer;
}

function markDirty(slug, layout = false) {
  dirty.add(slug);
  if (layout) layoutDirty = true;
  if (!frame) frame = requestAnimationFrame(flush);
}

function applyStatus(slug, payload) {
  let printer = printers.get(slug);
  if (!printer) {
    printer = addPrinter({ slug, name: slug });
    refreshPrinters(); // a printer added since the page loaded: fetch its name and tags
  }
  const previous = printer.status;
  if (previous && previous.updated_at && payload.updated_at && payload.updated_at < previous.updated_at) return;
  printer.status = payload;
  if (printer.state !== payload.state) {
    printer.state = payload.state;
    layoutDirty = true;
  }
  markDirty(slug, view.sort === "time-left");
}

function applyConnection(slug, connection) {
  const printer = printers.get(slug);
  if (!printer || !connection) return;
  printer.connection = connection;
  markDirty(slug);
}

// --- rendering, once per animation frame ------------------------------------------

function flush() {
  frame = 0;
  const now = Date.now();
  for (const slug of dirty) {
    const printer = printers.get(slug);
    if (printer && printer.card.update(printer, now)) layoutDirty = true;
  }
  dirty.clear();
  if (layoutDirty) {
    layoutDirty = false;
    layout(now);
  }
}

function layout(now) {
  const all = [...printers.values()];
  const searched = all.filter((printer) => matchesSearch(printer, view));
  const shown = searched.filter((printer) => matches(printer, view)).sort(comparator(view.sort, now));
  const shownSlugs = shown.map((printer) => printer.slug);
  const visible = new Set(shownSlugs);
  for (const printer of all) {
    const hidden = !visible.has(printer.slug);
    if (printer.card.element.hidden !== hidden) printer.card.element.hidden = hidden;
  }
  if (shownSlugs.join("\u0000") !== order.join("\u0000")) {
    // Move only what is out of place; hidden cards go after the shown ones.
    const wanted = [...shown, ...all.filter((printer) => !visible.has(printer.slug))].map((p) => p.card.element);
    let cursor = grid.firstElementChild;
    for (const element of wanted) {
      if (element === cursor) cursor = cursor.nextElementSibling;
      else grid.insertBefore(element, cursor);
    }
  }
  order = shownSlugs;
  renderSummary(searched);
  document.getElementById("farm-empty").hidden = !(all.length && !shown.length);
  bulk.refresh();
}

function renderSummary(searched) {
  const counts = Object.fromEntries(STATES.map((state) => [state, 0]));
  for (const printer of searched) if (printer.state in counts) counts[printer.state] += 1;
  for (const button of document.querySelectorAll("[data-summary]")) {
    const state = button.dataset.summary;
    const count = button.querySelector("[data-count]");
    const text = String(counts[state]);
    if (count.textContent !== text) count.textContent = text;
    button.classList.toggle("zero", counts[state] === 0);
    button.setAttribute("aria-pressed", String(view.states.includes(state)));
  }
  const total = document.getElementById("summary-total");
  const text = `${order.length} of ${printers.size} shown`;
  if (total.textContent !== text) total.textContent = text;
}

function tick() {
  const now = Date.now();
  for (const printer of printers.values()) {
    if (printer.status && printer.status.active_job && !printer.card.element.hidden) {
      printer.card.updateTimes(printer.status, now);
    }
  }
  if (view.sort === "time-left") layout(now);
  document.getElementById("clock").textContent = formatClock(now);
}

// --- the view in the URL ------------------------------------------------------------

const controls = {
  q: document.getElementById("filter-q"),
  tag: document.getElementById("filter-tag"),
  state: document.getElementById("filter-state"),
  sort: document.getElementById("sort"),
};

function tagOptions() {
  const tags = new Set(view.tags);
  for (const printer of printers.values()) printer.tags.forEach((tag) => tags.add(tag));
  const wanted = ["", ...[...tags].sort()];
  const have = [...controls.tag.options].map((option) => option.value);
  if (wanted.join("\u0000") !== have.join("\u0000")) {
    controls.tag.replaceChildren(
      ...wanted.map((tag) => {
        const option = document.createElement("option");
        option.value = tag;
        option.textContent = tag || "all";
        return option;
      }),
    );
  }
}

function showView() {
  if (controls.q.value !== view.q) controls.q.value = view.q;
  tagOptions();
  controls.tag.value = view.tags.length === 1 ? view.tags[0] : "";
  controls.state.value = view.states.length === 1 ? view.states[0] : "";
  controls.sort.value = view.sort;
  document.body.classList.toggle("wall", view.wall);
  document.documentElement.classList.toggle("wall", view.wall);
  document.getElementById("wall-exit").hidden = !view.wall;
  const wallLink = document.getElementById("wall-link");
  wallLink.href = viewQuery({ ...view, wall: true }) || "?wall=1";
  document.getElementById("wall-exit").href = `/${viewQuery({ ...view, wall: false })}`;
}

function setView(changes) {
  view = { ...view, ...changes };
  const query = viewQuery(view);
  if (query !== window.location.search) {
    window.history.replaceState(null, "", `${window.location.pathname}${query}${window.location.hash}`);
  }
  showView();
  layoutDirty = true;
  flush(); // at once: what the user chose shows before the next event
}

controls.q.addEventListener("input", () => setView({ q: controls.q.value.trim() }));
controls.tag.addEventListener("change", () => setView({ tags: controls.tag.value ? [controls.tag.value] : [] }));
controls.state.addEventListener("change", () =>
  setView({ states: controls.state.value ? [controls.state.value] : [] }),
);
controls.sort.addEventListener("change", () => setView({ sort: controls.sort.value }));
document.getElementById("controls").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("summary").addEventListener("click", (event) => {
  const button = event.target.closest("[data-summary]");
  if (!button) return;
  const state = button.dataset.summary;
  const only = view.states.length === 1 && view.states[0] === state;
  setView({ states: only ? [] : [state] });
});
document.getElementById("filter-reset").addEventListener("click", () => setView({ q: "", tags: [], states: [] }));
window.addEventListener("popstate", () => {
  view = readView();
  showView();
  layoutDirty = true;
  flush(); // at once: what the user chose shows before the next event
});

// --- selection ------------------------------------------------------------------------

const bulk = new Bulk({
  printers,
  shown: () => order,
  onChange: (selected) => {
    for (const printer of printers.values()) {
      const checked = selected.has(printer.slug);
      if (printer.card.checkbox.checked !== checked) printer.card.checkbox.checked = checked;
      printer.card.element.classList.toggle("selected", checked);
    }
  },
});
grid.addEventListener("click", (event) => {
  const box = event.target.closest("input.select");
  if (!box) return;
  bulk.clicked(box.dataset.select, box.checked, event.shiftKey);
});

// --- live status ------------------------------------------------------------------------

let fallbackTimer = null;
let fallbackStart = null;
let wasLive = false;

function showLive(state, detail) {
  live.dataset.state = state;
  const texts = {
    connecting: "connecting…",
    live: "live",
    reconnecting: `reconnecting${detail ? ` in ${Math.ceil(detail)} s` : "…"}`,
    "token-needed": "token needed",
    unavailable: `server unavailable, retrying${detail ? ` in ${Math.ceil(detail)} s` : ""}`,
    "locked-out": `too many wrong tokens, retrying${detail ? ` in ${Math.ceil(detail)} s` : ""}`,
    stopped: "stopped",
  };
  live.textContent = texts[state] || state;
  const form = document.getElementById("ws-token-form");
  form.hidden = state !== "token-needed";
  if (state === "token-needed") {
    const message = document.getElementById("ws-token-message");
    if (detail && StatusSocket.token()) message.textContent = `The status token was refused: ${detail}`;
    document.getElementById("ws-token").focus();
  }
}

async function pollOnce() {
  const slugs = [...printers.keys()];
  const queue = [...slugs];
  const worker = async () => {
    while (queue.length) {
      const slug = queue.shift();
      const answer = await apiGet("/api/status", { printer: slug }, { controlToken: false });
      if (answer.ok && answer.data) applyStatus(slug, answer.data);
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, slugs.length) }, worker));
}

function stopFallback() {
  clearTimeout(fallbackStart);
  clearInterval(fallbackTimer);
  fallbackStart = null;
  fallbackTimer = null;
}

function startFallbackSoon() {
  if (fallbackStart || fallbackTimer) return;
  fallbackStart = setTimeout(() => {
    fallbackStart = null;
    pollOnce();
    fallbackTimer = setInterval(pollOnce, FALLBACK_EVERY_MS);
  }, FALLBACK_AFTER_MS);
}

const socket = new StatusSocket({
  printers: [],
  onStatus: (message) => applyStatus(message.printer, message.payload),
  onConnection: (message) => applyConnection(message.printer, message.connection),
  onState: (state, detail) => {
    showLive(state, detail);
    if (state === "live") {
      stopFallback();
      if (wasLive) refreshPrinters(); // connections may have changed while the socket was down
      wasLive = true;
    } else if (state === "reconnecting" || state === "unavailable") {
      startFallbackSoon();
    } else if (state === "token-needed" || state === "locked-out") {
      stopFallback(); // the status API is public: the cards still show something
      pollOnce();
    }
  },
});

document.getElementById("ws-token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = document.getElementById("ws-token").value.trim();
  if (token) StatusSocket.setToken(token);
});

let refreshing = null;
async function refreshPrinters() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    let path = "/api/printers/";
    let params = { page_size: 500 };
    const seen = [];
    while (path) {
      const answer = await apiGet(path, params, { controlToken: false });
      if (!answer.ok || !answer.data) return;
      const rows = Array.isArray(answer.data) ? answer.data : answer.data.results || [];
      for (const row of rows) {
        if (!row.enabled) continue;
        seen.push(row.slug);
        const printer = printers.get(row.slug) || addPrinter(row);
        printer.name = row.name;
        printer.tags = row.tags || [];
        printer.source_kind = row.source_kind;
        printer.connection = row.connection || printer.connection;
        if (!printer.status && row.state) printer.state = row.state;
        markDirty(row.slug, true);
      }
      const next = Array.isArray(answer.data) ? null : answer.data.next;
      path = next ? new URL(next, window.location.href).pathname + new URL(next, window.location.href).search : null;
      params = undefined;
    }
    tagOptions();
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

// --- start ---------------------------------------------------------------------------------

const initial = JSON.parse(document.getElementById("farm-printers").textContent || "[]");
for (const data of initial) addPrinter(data);
showView();
flush();
socket.start();
refreshPrinters();
setInterval(tick, TICK_MS);
tick();

// For tests and the benchmark: the page's own view of what it shows.
window.farm = {
  printers,
  view: () => ({ ...view }),
  shown: () => [...order],
  socket,
  applyStatus,
  flush,
};
root.dataset.ready = "1";
