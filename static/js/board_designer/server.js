// Talking to the server: check the definition (POST /api/boards/validate), the Klipper config, downloads.

import { buildDefinition, exportIndex } from "./definition.js";
import { postDefinition } from "./http.js";
import { keyForPath } from "./problems.js";
import { render } from "./render.js";
import { root, state } from "./state.js";
import { $, h, plural } from "./util.js";

export function showServerErrors(errors, index) {
  state.serverErrors = errors.map((error) => ({
    path: String(error.path || ""),
    message: String(error.message || ""),
    key: keyForPath(String(error.path || ""), index),
  }));
}

// The refusal's detail and problems; a failure without a JSON body is named by its HTTP status.
export function errorBody(answer) {
  const body = answer.data;
  if (!body || typeof body !== "object") return { detail: `HTTP ${answer.status}`, errors: [] };
  const detail = Array.isArray(body.detail) ? body.detail.join(" ") : String(body.detail || "");
  return { detail, errors: Array.isArray(body.errors) ? body.errors : [] };
}

export async function checkDefinition() {
  const status = $("#validation-status");
  const definition = buildDefinition();
  const index = exportIndex();
  const docJson = JSON.stringify(state.doc);
  status.textContent = "Checking with the server…";
  status.className = "validation-status";
  $('[data-action="download-definition"]').hidden = true;
  $('[data-action="download-anyway"]').hidden = true;
  let verdict;
  try {
    const answer = await postDefinition(root.dataset.validateUrl, definition);
    if (answer.status === 0) throw new Error(answer.error);
    if (!answer.ok) throw new Error(errorBody(answer).detail || `HTTP ${answer.status}`);
    if (!answer.data || typeof answer.data !== "object") throw new Error("the answer is not JSON");
    verdict = answer.data;
  } catch (error) {
    status.textContent = `The server could not check the definition: ${error.message}`;
    status.className = "validation-status bad";
    return null;
  }
  showServerErrors(verdict.errors || [], index);
  state.lastCheck = { definition, valid: Boolean(verdict.valid), docJson };
  status.textContent = verdict.valid
    ? "Valid: the server accepts this definition."
    : `Not valid: ${plural(state.serverErrors.length, "problem")} (listed below and next to the connectors).`;
  status.className = `validation-status ${verdict.valid ? "good" : "bad"}`;
  render({ rebuild: false });
  $('[data-action="download-definition"]').hidden = !verdict.valid;
  $('[data-action="download-anyway"]').hidden = Boolean(verdict.valid);
  return state.lastCheck;
}

export function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function downloadChecked() {
  if (!state.lastCheck || state.lastCheck.docJson !== JSON.stringify(state.doc)) {
    $("#validation-status").textContent = "Changed since the last check: check again before downloading.";
    return;
  }
  const definition = state.lastCheck.definition;
  download(`${JSON.stringify(definition, null, 2)}\n`, `${definition.id || "board"}.json`, "application/json");
}

export async function exportKlipper() {
  const status = $("#validation-status");
  const box = $("#klipper-box");
  const definition = buildDefinition();
  const index = exportIndex();
  status.textContent = "Generating the Klipper config…";
  status.className = "validation-status";
  try {
    const answer = await postDefinition(root.dataset.klipperUrl, definition);
    if (answer.status === 0) throw new Error(answer.error);
    if (!answer.ok) {
      const body = errorBody(answer);
      showServerErrors(body.errors, index);
      state.lastCheck = { definition, valid: false, docJson: JSON.stringify(state.doc) };
      status.textContent = `No Klipper config: ${body.detail || `HTTP ${answer.status}`} (${plural(state.serverErrors.length, "problem")} below)`;
      status.className = "validation-status bad";
      if (box.open) box.close();
      render({ rebuild: false });
      return;
    }
    const text = typeof answer.data === "string" ? answer.data : "";
    state.serverErrors = [];
    $("#klipper-cfg").value = text;
    $("#copy-status").textContent = "";
    if (!box.open) box.show();
    box.dataset.boardId = definition.id;
    status.textContent = "Klipper config generated.";
    status.className = "validation-status good";
    render({ rebuild: false });
  } catch (error) {
    status.textContent = `The server could not generate the config: ${error.message}`;
    status.className = "validation-status bad";
  }
}

export async function copyKlipper() {
  const area = $("#klipper-cfg");
  const status = $("#copy-status");
  try {
    if (!navigator.clipboard) throw new Error("no clipboard API");
    await navigator.clipboard.writeText(area.value);
    status.textContent = "Copied.";
  } catch (error) {
    area.focus();
    area.select();
    const ok = document.execCommand && document.execCommand("copy");
    status.textContent = ok ? "Copied." : "Select the text and copy it (Ctrl+C).";
  }
}
