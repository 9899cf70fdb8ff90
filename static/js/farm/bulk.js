// Bulk actions on the selected printers: pause, resume, cancel, emergency stop, and upload one
// G-code file and print it on all of them. Each printer is asked on its own; one refusal does
// not stop the others, and each outcome is listed. The control token is asked once (kept in
// sessionStorage by api.js).
import { apiSend, clearControlToken, controlToken, setControlToken } from "../lib/api.js";
import { h } from "../lib/dom.js";

const ACTIONS = {
  pause: { label: "Pause", done: "pausing" },
  resume: { label: "Resume", done: "resuming" },
  cancel: {
    label: "Cancel",
    done: "cancelled",
    confirm: { title: "Cancel the prints?", text: "The current print is cancelled on", yes: "Cancel prints" },
  },
  "emergency-stop": {
    label: "Emergency stop",
    done: "stopped (emergency stop)",
    confirm: {
      title: "Emergency stop?",
      text: "Klipper shuts down at once (heaters and motors off) on",
      yes: "Emergency stop",
    },
  },
};

function dialogAnswer(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
    dialog.showModal();
  });
}

/** Ask for the control token (with ``error`` shown) until one is given; false when the user cancels. */
export async function askControlToken(error = "") {
  const dialog = document.getElementById("control-token-dialog");
  const input = document.getElementById("control-token");
  const message = document.getElementById("control-token-error");
  message.textContent = error;
  message.hidden = !error;
  input.value = "";
  const answer = dialogAnswer(dialog);
  input.focus();
  if ((await answer) !== "ok" || !input.value.trim()) return false;
  setControlToken(input.value.trim());
  return true;
}

async function confirmAction(spec, printers) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = spec.title;
  document.getElementById("confirm-text").textContent =
    `${spec.text} ${printers.length} printer${printers.length === 1 ? "" : "s"}:`;
  document.getElementById("confirm-list").replaceChildren(...printers.map((p) => h("li", { text: p.name })));
  document.getElementById("confirm-yes").textContent = spec.yes;
  const answer = dialogAnswer(dialog);
  document.getElementById("confirm-no").focus();
  return (await answer) === "yes";
}

export class Bulk {
  /**
   * ``printers``: Map slug -> printer; ``shown()``: slugs shown now, in order; ``onChange()``: after
   * the selection changed.
   */
  constructor({ printers, shown, onChange = () => {} }) {
    this.printers = printers;
    this.shown = shown;
    this.onChange = onChange;
    this.selected = new Set();
    this.anchor = null;
    this.file = null;
    this.busy = false;
    this.panel = document.getElementById("bulk");
    this.count = document.getElementById("bulk-count");
    this.results = document.getElementById("bulk-results");
    this.resultsTitle = document.getElementById("bulk-results-title");
    this.resultsList = document.getElementById("bulk-results-list");
    this.fileInput = document.getElementById("bulk-file");
    this.fileName = document.getElementById("bulk-file-name");
    this.uploadButton = this.panel.querySelector('[data-bulk="upload-print"]');
    this.panel.addEventListener("click", (event) => {
      const button = event.target.closest("[data-bulk]");
      if (button && !button.disabled) this.run(button.dataset.bulk);
    });
    this.fileInput.addEventListener("change", () => {
      this.file = this.fileInput.files && this.fileInput.files[0] ? this.fileInput.files[0] : null;
      this.fileName.textContent = this.file ? this.file.name : "no file";
      this.refresh();
    });
    document.getElementById("bulk-clear").addEventListener("click", () => this.clear());
    document.getElementById("select-shown").addEventListener("click", () => this.selectShown());
  }

  /** A card's checkbox was clicked (shift: the range from the last one clicked). */
  clicked(slug, checked, shiftKey) {
    const order = this.shown();
    if (shiftKey && this.anchor && order.includes(this.anchor) && order.includes(slug)) {
      const [from, to] = [order.indexOf(this.anchor), order.indexOf(slug)].sort((a, b) => a - b);
      for (const item of order.slice(from, to + 1)) {
        if (checked) this.selected.add(item);
        else this.selected.delete(item);
      }
    } else if (checked) {
      this.selected.add(slug);
    } else {
      this.selected.delete(slug);
    }
    this.anchor = slug;
    this.refresh();
  }

  selectShown() {
    const shown = this.shown();
    const all = shown.length > 0 && shown.every((slug) => this.selected.has(slug));
    for (const slug of shown) {
      if (all) this.selected.delete(slug);
      else this.selected.add(slug);
    }
    this.refresh();
  }

  clear() {
    this.selected.clear();
    this.anchor = null;
    this.refresh();
  }

  /** Forget printers that are gone. */
  prune() {
    for (const slug of this.selected) if (!this.printers.has(slug)) this.selected.delete(slug);
  }

  refresh() {
    this.prune();
    const count = this.selected.size;
    const shown = new Set(this.shown());
    const hidden = [...this.selected].filter((slug) => !shown.has(slug)).length;
    this.count.textContent = `${count} selected${hidden ? ` (${hidden} not shown)` : ""}`;
    this.panel.hidden = count === 0 && this.results.hidden;
    for (const button of this.panel.querySelectorAll("[data-bulk]")) {
      button.disabled = this.busy || count === 0 || (button.dataset.bulk === "upload-print" && !this.file);
    }
    const allShown = shown.size > 0 && [...shown].every((slug) => this.selected.has(slug));
    document.getElementById("select-shown").textContent = allShown ? "Unselect all shown" : "Select all shown";
    this.onChange(this.selected);
  }

  targets() {
    return [...this.selected].map((slug) => this.printers.get(slug)).filter(Boolean);
  }

  async run(kind) {
    const printers = this.targets();
    if (!printers.length || this.busy) return;
    const spec = ACTIONS[kind];
    if (spec && spec.confirm && !(await confirmAction(spec.confirm, printers))) return;
    if (!controlToken() && !(await askControlToken())) return;
    let file = null;
    if (kind === "upload-print") {
      file = this.file;
      if (!file) return;
    }
    this.busy = true;
    this.refresh();
    const title = kind === "upload-print" ? `Upload and print ${file.name}` : spec.label;
    this.resultsTitle.textContent = `${title}: ${printers.length} printer${printers.length === 1 ? "" : "s"}`;
    const rows = new Map();
    this.resultsList.replaceChildren(
      ...printers.map((printer) => {
        const row = h("li", { class: "result", dataset: { resultFor: printer.slug, outcome: "pending" } },
          h("strong", { text: printer.name }), h("span", { class: "result-text", text: "sending…" }));
        rows.set(printer.slug, row);
        return row;
      }),
    );
    this.results.hidden = false;
    this.panel.hidden = false;
    let tokenRefused = "";
    await Promise.all(
      printers.map(async (printer) => {
        const answer = await this.send(kind, printer, file);
        const row = rows.get(printer.slug);
        row.dataset.outcome = answer.ok ? "ok" : "refused";
        row.dataset.status = String(answer.status);
        row.querySelector(".result-text").textContent = answer.ok
          ? this.success(kind, answer.data)
          : `refused${answer.status ? ` (${answer.status})` : ""}: ${answer.error}`;
        if (answer.status === 401 || answer.status === 403) tokenRefused = answer.error;
      }),
    );
    this.busy = false;
    this.refresh();
    if (tokenRefused) {
      clearControlToken();
      await askControlToken(`The server refused the control token: ${tokenRefused} Enter it again, then repeat the action.`);
    }
  }

  send(kind, printer, file) {
    const base = `/api/printers/${encodeURIComponent(printer.slug)}`;
    if (kind === "upload-print") {
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("print", "true");
      return apiSend("POST", `${base}/files`, { body: form });
    }
    return apiSend("POST", `${base}/actions/${kind}`);
  }

  success(kind, data) {
    if (kind === "upload-print") {
      const name = (data && data.name) || "the file";
      return data && data.print_started ? `uploaded ${name}, printing` : `uploaded ${name} (not started)`;
    }
    return `${ACTIONS[kind].done}${data && data.result && data.result !== "ok" ? `: ${data.result}` : ""}`;
  }
}
