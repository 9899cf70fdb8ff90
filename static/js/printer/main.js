// The printer page /printers/<slug>: live status over /ws/status, the temperature chart, job
// history, console and controls. Every value from the server goes into the page as text.
import { apiGet } from "../lib/api.js";
import { StatusSocket } from "../lib/ws.js";
import { TemperatureChart } from "./chart.js";
import { Console } from "./console.js";
import { Controls } from "./controls.js";
import { JobHistory } from "./jobs.js";
import { StatusPanel } from "./status.js";

const root = document.getElementById("printer-page");
const slug = root.dataset.printer;
const POLL_MS = 5000;

const panel = new StatusPanel(root);
const chart = new TemperatureChart(root, { slug });
const jobs = new JobHistory(root, { slug });
const consolePanel = new Console(root, { slug, onRefused: (answer) => controls.refused(answer) });
const controls = new Controls(root, {
  slug,
  onUnlock: () => consolePanel.start(),
  onLock: () => consolePanel.stop(),
});
panel.onSetTarget = (component, value, out, form) => controls.setTarget(component, value, out, form);

let lastJobKey = null;
let lastSeenAt = 0;
let lastUpdatedAt = "";

function show(payload) {
  if (!payload || payload.printer !== slug) return;
  lastSeenAt = Date.now();
  // A GET answer may be older than what the socket already brought (ISO UTC strings sort as times).
  if (payload.updated_at && lastUpdatedAt && payload.updated_at < lastUpdatedAt) return;
  lastUpdatedAt = payload.updated_at || lastUpdatedAt;
  panel.render(payload);
  chart.push(payload);
  // A job that started, ended or changed status shows in the history at once.
  const job = payload.active_job;
  const key = job ? `${job.id}:${job.status}` : "";
  if (lastJobKey !== null && key !== lastJobKey) jobs.load();
  lastJobKey = key;
}

const socketLabel = root.querySelector('[data-field="socket"]');
const wsTokenForm = root.querySelector('[data-testid="ws-token-form"]');
let socketState = "connecting";

function showSocket(state, detail) {
  socketState = state;
  socketLabel.dataset.state = state;
  const texts = {
    connecting: "connecting…",
    live: "live",
    reconnecting: `reconnecting${Number.isFinite(detail) ? ` in ${Math.round(detail)} s` : ""}…`,
    "token-needed": "needs the status token",
    unavailable: "live status unavailable",
    "locked-out": `too many wrong status tokens, retrying${Number.isFinite(detail) ? ` in ${Math.ceil(detail)} s` : ""}`,
  };
  socketLabel.textContent = texts[state] || state;
  wsTokenForm.hidden = state !== "token-needed";
}

const socket = new StatusSocket({
  printers: [slug],
  onStatus: (message) => show(message.payload),
  onConnection: (message) => message.printer === slug && panel.renderConnection(message.connection),
  onState: showSocket,
});

wsTokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = wsTokenForm.elements.token.value.trim();
  if (!token) return;
  wsTokenForm.elements.token.value = "";
  socket.setToken(token);
});

async function refresh() {
  const [status, printer] = await Promise.all([
    apiGet("/api/status", { printer: slug }),
    apiGet(`/api/printers/${encodeURIComponent(slug)}`),
  ]);
  if (status.ok) show(status.data);
  if (printer.ok) panel.renderConnection(printer.data.connection);
}

// Only while the socket is not live (or a printer's source is quiet): no polling beside a live socket.
setInterval(() => {
  if (document.visibilityState !== "visible") return;
  if (socketState !== "live" || Date.now() - lastSeenAt > 3 * POLL_MS) refresh();
}, POLL_MS);

showSocket("connecting");
chart.select("live").then(() => refresh());
jobs.load();
controls.start();
socket.start();

// For tests and for poking around in the browser's console.
window.printerPage = { slug, panel, chart, jobs, controls, console: consolePanel, socket };
