// Controls: shown once the control token was entered (api.js keeps it in sessionStorage only).
// Cancel and emergency stop ask first in a <dialog>; a refused call shows the server's message
// next to the button that made it.
import { apiGet, apiSend, clearControlToken, controlToken, onControlTokenChange, setControlToken } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { refusal } from "./answers.js";
import { formatBytes, formatDateTime, formatDuration } from "../lib/format.js";
import { heaterName } from "./chart-data.js";

function say(out, text, ok) {
  out.textContent = text;
  out.classList.toggle("pp-error", ok === false);
  out.classList.toggle("pp-ok", ok === true);
  out.dataset.ok = ok === undefined ? "" : String(ok);
}

export class Controls {
  constructor(root, { slug, onUnlock, onLock }) {
    this.root = root;
    this.slug = slug;
    this.base = `/api/printers/${encodeURIComponent(slug)}`;
    this.onUnlock = onUnlock;
    this.onLock = onLock;
    this.tokenForm = root.querySelector('[data-testid="token-form"]');
    this.tokenMessage = root.querySelector('[data-testid="token-message"]');
    this.dialog = root.querySelector('[data-testid="confirm-dialog"]');
    this.files = root.querySelector('[data-testid="files"]');
    this.filesMessage = root.querySelector('[data-testid="files-message"]');
    this.unlocked = false;

    this.tokenForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = this.tokenForm.elements.token;
      const token = input.value.trim();
      if (!token) return;
      input.value = "";
      setControlToken(token);
      this.check();
    });
    root.querySelector('[data-testid="token-forget"]').addEventListener("click", () => {
      clearControlToken();
      this.lock("");
    });
    for (const button of root.querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => this.action(button));
    }
    root.querySelector('[data-testid="files-refresh"]').addEventListener("click", () => this.loadFiles());
    const upload = root.querySelector('[data-testid="upload-form"]');
    upload.addEventListener("submit", (event) => {
      event.preventDefault();
      this.upload(upload);
    });
    onControlTokenChange(() => {
      if (!controlToken() && this.unlocked) this.lock("");
    });
  }

  /** At start-up: a token kept from earlier in this tab is tried; otherwise the form shows. */
  start() {
    if (controlToken()) this.check();
    else this.lock("");
  }

  /** Tries the token with a read that needs it (the console); 401/403/503 keep the controls locked. */
  async check() {
    say(this.tokenMessage, "Checking…");
    const answer = await apiGet(`${this.base}/console`, { limit: "1" });
    if (answer.ok) {
      this.unlock();
      return;
    }
    if (answer.status === 401 || answer.status === 403) {
      clearControlToken();
      this.lock(`The token was refused: ${answer.error}`);
    } else if (answer.status === 503) {
      clearControlToken();
      this.lock(answer.error);
    } else {
      // Not the token's fault (a network blip, the printer was deleted): keep it, say why.
      this.unlock();
      say(this.tokenMessage, answer.error, false);
    }
  }

  unlock() {
    this.unlocked = true;
    this.root.classList.add("unlocked");
    this.tokenForm.hidden = true;
    say(this.tokenMessage, "");
    for (const part of this.root.querySelectorAll(".pp-unlocked")) part.hidden = false;
    for (const note of this.root.querySelectorAll(".pp-locked-note")) note.hidden = true;
    const demo = this.root.dataset.sourceKind === "demo";
    this.root.querySelector('[data-testid="file-tools"]').hidden = demo;
    this.root.querySelector('[data-testid="no-files"]').hidden = !demo;
    if (!demo) this.loadFiles();
    this.onUnlock && this.onUnlock();
  }

  lock(message) {
    this.unlocked = false;
    this.root.classList.remove("unlocked");
    this.tokenForm.hidden = false;
    say(this.tokenMessage, message, message ? false : undefined);
    for (const part of this.root.querySelectorAll(".pp-unlocked")) part.hidden = true;
    for (const note of this.root.querySelectorAll(".pp-locked-note")) note.hidden = false;
    this.onLock && this.onLock();
  }

  /** A refusal for lack of the token locks the page again (the token was changed on the server). */
  refused(answer) {
    if (answer.status === 401 || answer.status === 403) {
      clearControlToken();
      this.lock(`The token was refused: ${answer.error}`);
    }
  }

  confirm({ title, text, ok }) {
    const dialog = this.dialog;
    dialog.querySelector('[data-field="dialog-title"]').textContent = title;
    dialog.querySelector('[data-field="dialog-text"]').textContent = text;
    dialog.querySelector('[data-testid="confirm-ok"]').textContent = ok;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
      dialog.showModal();
    });
  }

  async action(button) {
    const action = button.dataset.action;
    const out = button.parentElement.querySelector("output");
    if (button.dataset.confirm) {
      const confirmed = await this.confirm({ title: `${button.textContent}?`, text: button.dataset.confirm, ok: button.textContent });
      if (!confirmed) {
        say(out, "Not sent.");
        return;
      }
    }
    button.disabled = true;
    say(out, "Sending…");
    const answer = await apiSend("POST", `${this.base}/actions/${action}`);
    button.disabled = false;
    if (answer.ok) say(out, `Done (${(answer.data && answer.data.result) || "ok"}).`, true);
    else {
      say(out, refusal(answer), false);
      this.refused(answer);
    }
  }

  /** Heater targets, as G-code: SET_HEATER_TEMPERATURE HEATER=<name> TARGET=<°C>. */
  async setTarget(component, value, out, form) {
    if (!Number.isFinite(value) || value < 0) {
      say(out, "A target is a temperature of 0 °C or more.", false);
      return;
    }
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((b) => (b.disabled = true));
    say(out, "Sending…");
    const script = `SET_HEATER_TEMPERATURE HEATER=${heaterName(component)} TARGET=${value}`;
    const answer = await apiSend("POST", `${this.base}/gcode`, { json: { script } });
    buttons.forEach((b) => (b.disabled = false));
    if (answer.ok) {
      say(out, value ? `Target ${value} °C set.` : "Heater off.", true);
      form.querySelector("input").value = "";
    } else {
      say(out, refusal(answer), false);
      this.refused(answer);
    }
  }

  async loadFiles() {
    say(this.filesMessage, "Loading…");
    const answer = await apiGet(`${this.base}/files`, { page_size: "100" });
    if (!answer.ok) {
      say(this.filesMessage, refusal(answer), false);
      this.refused(answer);
      return;
    }
    const files = answer.data.results || [];
    say(this.filesMessage, files.length ? `${answer.data.count} file${answer.data.count === 1 ? "" : "s"}` : "No files on the printer.");
    this.files.replaceChildren(...files.map((file) => this.fileItem(file)));
  }

  fileItem(file) {
    const out = h("output", { class: "pp-out", dataset: { testid: "print-message" } });
    const facts = [formatBytes(file.size)];
    if (file.estimated_time) facts.push(`about ${formatDuration(file.estimated_time)}`);
    if (file.modified) facts.push(formatDateTime(file.modified));
    const button = h("button", {
      type: "button",
      dataset: { testid: "print-file" },
      text: "Print",
      onclick: async () => {
        button.disabled = true;
        say(out, "Starting…");
        const answer = await apiSend("POST", `${this.base}/print`, { json: { filename: file.name } });
        button.disabled = false;
        if (answer.ok) say(out, "Started.", true);
        else {
          say(out, refusal(answer), false);
          this.refused(answer);
        }
      },
    });
    return h(
      "li",
      { dataset: { file: file.name } },
      h("div", { class: "pp-file-text" }, h("span", { class: "pp-file-name", text: file.name }), h("span", { class: "pp-muted", text: facts.join(" · ") })),
      h("div", { class: "pp-file-act" }, button, out),
    );
  }

  async upload(form) {
    const out = form.querySelector("output");
    const file = form.elements.file.files[0];
    if (!file) {
      say(out, "Choose a G-code file first.", false);
      return;
    }
    const body = new FormData();
    body.append("file", file, file.name);
    body.append("print", form.elements.print.checked ? "true" : "false");
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    say(out, `Uploading ${file.name}…`);
    const answer = await apiSend("POST", `${this.base}/files`, { body });
    button.disabled = false;
    if (answer.ok) {
      const started = answer.data && answer.data.print_started;
      say(out, `Uploaded ${answer.data.name}${started ? " and started printing it" : ""}.`, true);
      form.reset();
      this.loadFiles();
    } else {
      say(out, refusal(answer), false);
      this.refused(answer);
    }
  }
}
