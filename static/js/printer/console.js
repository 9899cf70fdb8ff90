// The console: the printer's latest G-code responses (GET .../console, read every few seconds
// while the controls are unlocked and the tab is visible) and a line to send G-code.
import { apiGet, apiSend } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { refusal } from "./answers.js";
import { formatClock } from "../lib/format.js";
import { isoSeconds } from "./chart-data.js";

const POLL_MS = 3000;

export class Console {
  constructor(root, { slug, onRefused }) {
    this.root = root;
    this.base = `/api/printers/${encodeURIComponent(slug)}`;
    this.lines = root.querySelector('[data-testid="console-lines"]');
    this.form = root.querySelector('[data-testid="gcode-form"]');
    this.message = root.querySelector('[data-testid="gcode-message"]');
    this.onRefused = onRefused;
    this.timer = null;
    this.last = null;
    this.history = [];
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    // Up and down walk through what was sent in this page.
    this.form.elements.script.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      if (!this.history.length) return;
      event.preventDefault();
      const step = event.key === "ArrowUp" ? -1 : 1;
      this.cursor = Math.max(0, Math.min(this.history.length, (this.cursor ?? this.history.length) + step));
      event.target.value = this.history[this.cursor] ?? "";
    });
    document.addEventListener("visibilitychange", () => {
      if (this.timer && document.visibilityState === "visible") this.refresh();
    });
  }

  start() {
    this.stop();
    this.refresh();
    this.timer = setInterval(() => document.visibilityState === "visible" && this.refresh(), POLL_MS);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh() {
    const answer = await apiGet(`${this.base}/console`, { limit: "100" });
    if (!answer.ok) {
      if (answer.status === 401 || answer.status === 403) this.onRefused && this.onRefused(answer);
      return;
    }
    const entries = answer.data || [];
    const key = entries.length ? `${entries.length}|${entries[entries.length - 1].at}|${entries[entries.length - 1].line}` : "";
    if (key === this.last) return;
    this.last = key;
    const atBottom = this.lines.scrollHeight - this.lines.scrollTop - this.lines.clientHeight < 24;
    if (!entries.length) {
      this.lines.replaceChildren(h("li", { class: "pp-empty", text: "Nothing yet." }));
    } else {
      this.lines.replaceChildren(
        ...entries.map((entry) => {
          const at = isoSeconds(entry.at);
          const line = String(entry.line);
          const kind = line.startsWith("!!") ? "pp-error" : line.startsWith("//") ? "pp-muted" : "";
          return h(
            "li",
            { class: kind },
            h("time", { datetime: entry.at, text: at ? formatClock(new Date(at * 1000), { seconds: true }) : "" }),
            h("span", { text: line }),
          );
        }),
      );
    }
    if (atBottom) this.lines.scrollTop = this.lines.scrollHeight;
  }

  async send() {
    const input = this.form.elements.script;
    const script = input.value.trim();
    if (!script) return;
    const button = this.form.querySelector('button[type="submit"]');
    button.disabled = true;
    this.message.textContent = `Running ${script}…`;
    this.message.classList.remove("pp-error", "pp-ok");
    const answer = await apiSend("POST", `${this.base}/gcode`, { json: { script } });
    button.disabled = false;
    this.history.push(script);
    this.cursor = undefined;
    if (answer.ok) {
      input.value = "";
      this.message.textContent = `${script}: ${(answer.data && answer.data.result) || "ok"}`;
      this.message.classList.add("pp-ok");
    } else {
      this.message.textContent = refusal(answer);
      this.message.classList.add("pp-error");
      if (answer.status === 401 || answer.status === 403) this.onRefused && this.onRefused(answer);
    }
    this.refresh();
  }
}
