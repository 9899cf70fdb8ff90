// Live printer dashboard: status over /ws/status, chart from /api/history/temperatures.
// Every value from the server is inserted as text (textContent), never as HTML.
(function () {
  "use strict";

  const root = document.getElementById("printers");
  const connection = document.getElementById("connection");
  if (!root) return;

  const cards = new Map(); // slug -> {element, chart, lastMessageAt}
  root.querySelectorAll("[data-printer]").forEach((element) => {
    cards.set(element.dataset.printer, { element, chart: null, series: null, lastMessageAt: 0 });
  });
  const historyHours = Number(root.dataset.historyHours || 3);
  const pollSeconds = Number(root.dataset.pollSeconds || 5);

  function field(card, name) {
    return card.element.querySelector(`[data-field="${name}"]`);
  }

  function formatDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) return "–";
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return h > 0 ? `${h} h ${m} min` : `${m} min`;
  }

  function setConnection(state, text) {
    connection.className = `connection ${state}`;
    connection.dataset.state = state;
    connection.textContent = text;
  }

  function render(slug, payload) {
    const card = cards.get(slug);
    if (!card) return;
    card.lastMessageAt = Date.now();
    const state = field(card, "state");
    state.textContent = payload.state;
    state.className = `state ${payload.state}`;
    field(card, "message").textContent = payload.message || "";

    const job = payload.active_job;
    const percent = job ? Math.round(job.progress * 1000) / 10 : 0;
    field(card, "job-name").textContent = job ? `${job.name} (${job.status})` : "No active job";
    field(card, "progress-bar").style.width = `${percent}%`;
    card.element.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
    field(card, "progress").textContent = job ? `${percent.toFixed(1)} %` : "–";
    const eta = job && job.estimated_completion ? new Date(job.estimated_completion) : null;
    field(card, "eta").textContent = eta
      ? `${eta.toLocaleTimeString()} (in ${formatDuration((eta - Date.now()) / 1000)})`
      : "–";

    const temps = field(card, "temperatures");
    temps.replaceChildren(
      ...payload.temperatures.map((reading) => {
        const box = document.createElement("div");
        box.className = "temp";
        box.dataset.component = reading.component;
        const label = document.createElement("b");
        label.textContent = reading.component;
        box.append(label);
        const target = reading.target === null ? "" : ` / ${reading.target.toFixed(0)}`;
        box.append(document.createTextNode(`${reading.actual.toFixed(1)}${target} °C`));
        return box;
      })
    );

    const queue = field(card, "queue");
    if (payload.queued_jobs.length === 0) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "empty";
      queue.replaceChildren(empty);
    } else {
      queue.replaceChildren(
        ...payload.queued_jobs.map((queued) => {
          const item = document.createElement("li");
          item.textContent = queued.name;
          return item;
        })
      );
    }
    appendToChart(card, payload);
  }

  // --- chart -----------------------------------------------------------------
  function buildChart(card, history) {
    const components = Object.keys(history.series).sort();
    const times = new Set();
    components.forEach((c) => history.series[c].forEach((b) => times.add(Date.parse(b.end) / 1000)));
    const xs = Array.from(times).sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const data = [xs];
    components.forEach((c) => {
      const ys = new Array(xs.length).fill(null);
      history.series[c].forEach((b) => (ys[index.get(Date.parse(b.end) / 1000)] = b.avg));
      data.push(ys);
    });
    const palette = ["#c0392b", "#2f7dd1", "#1e7b34", "#8e44ad", "#d35400"];
    const target = field(card, "chart");
    card.series = components;
    card.chartData = data;
    card.chart = new uPlot(
      {
        width: Math.max(300, target.clientWidth || 400),
        height: 180,
        series: [{}].concat(components.map((c, i) => ({ label: c, stroke: palette[i % palette.length], spanGaps: true }))),
        axes: [{}, { label: "°C" }],
      },
      data,
      target
    );
  }

  function appendToChart(card, payload) {
    if (!card.chart) return;
    const x = Date.parse(payload.updated_at) / 1000;
    const data = card.chartData;
    if (data[0].length && x <= data[0][data[0].length - 1]) return;
    const byComponent = new Map(payload.temperatures.map((t) => [t.component, t.actual]));
    data[0].push(x);
    card.series.forEach((c, i) => data[i + 1].push(byComponent.has(c) ? byComponent.get(c) : null));
    const cutoff = x - historyHours * 3600;
    while (data[0].length && data[0][0] < cutoff) data.forEach((column) => column.shift());
    card.chart.setData(data);
  }

  async function loadHistory(slug, card) {
    const until = new Date();
    const since = new Date(until.getTime() - historyHours * 3600 * 1000);
    const params = new URLSearchParams({ printer: slug, since: since.toISOString(), until: until.toISOString(), points: "300" });
    try {
      const response = await fetch(`/api/history/temperatures?${params}`);
      if (response.ok) buildChart(card, await response.json());
    } catch (error) {
      console.warn("temperature history unavailable", error);
    }
  }

  // --- live connection, reconnecting with back-off ------------------------------
  let socket = null;
  let attempt = 0;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const token = new URLSearchParams(location.search).get("token");
    const query = token ? `?token=${encodeURIComponent(token)}` : "";
    socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}${query}`);
    socket.addEventListener("open", () => {
      attempt = 0;
      setConnection("live", "live");
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "status") render(message.printer, message.payload);
    });
    socket.addEventListener("close", () => {
      attempt += 1;
      const delay = Math.min(30, 2 ** Math.min(attempt, 5)) * 1000 * (0.75 + Math.random() / 2);
      setConnection("reconnecting", `reconnecting in ${Math.round(delay / 1000)} s…`);
      setTimeout(connect, delay);
    });
  }

  // A printer whose source does not push (the demo) is asked over HTTP; the
  // answer is broadcast to every open dashboard through /ws/status.
  function pollQuietPrinters() {
    const now = Date.now();
    cards.forEach((card, slug) => {
      if (now - card.lastMessageAt > pollSeconds * 1000) {
        fetch(`/api/status?printer=${encodeURIComponent(slug)}`)
          .then((response) => (response.ok ? response.json() : null))
          .then((payload) => payload && render(slug, payload))
          .catch(() => {});
      }
    });
  }

  cards.forEach((card, slug) => loadHistory(slug, card));
  connect();
  pollQuietPrinters();
  setInterval(pollQuietPrinters, pollSeconds * 1000);
})();
