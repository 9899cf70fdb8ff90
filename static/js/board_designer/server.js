// Talking to the server: check the definition (POST /api/boards/validate), the Klipper config, downloads.

import { buildDefinition, exportIndex } from "./definition.js";
import { keyForPath } from "./problems.js";
import { render } from "./render.js";
import { root, state } from "./state.js";
import { $, h, plural } from "./util.js";

async function postDefinition(url, definition) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/plain" },
    body: JSON.stringify(definition),
    credentials: "omit", // the endpoints are pure computations; no session, no CSRF token
  });
}

function showServerErrors(errors, index) {
  state.serverErrors = errors.map((error) => ({
    path: String(error.path || ""),
    message: String(error.message || ""),
    key: keyForPath(String(error.path || ""), index),
  }));
}

async function readErrorBody(response) {
  try {
    const body = await response.json();
    const detail = Array.isArray(body.detail) ? body.detail.join(" ") : String(body.detail || "");
    return { detail, errors: Array.isArray(body.errors) ? body.errors : [] };
  } catch (error) {
    return { detail: `HTTP ${response.status}`, errors: [] };
  }
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
    const response = await postDefinition(root.dataset.validateUrl, definition);
    if (!response.ok) {
      const body = await readErrorBody(response);
      throw new Error(body.detail || `HTTP ${response.status}`);
    }
    verdict = await response.json();
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
    const response = await postDefinition(root.dataset.klipperUrl, definition);
    if (!response.ok) {
      const body = await readErrorBody(response);
      showServerErrors(body.errors, index);
      state.lastCheck = { definition, valid: false, docJson: JSON.stringify(state.doc) };
      status.textContent = `No Klipper config: ${body.detail || `HTTP ${response.status}`} (${plural(state.serverErrors.length, "problem")} below)`;
      status.className = "validation-status bad";
      if (box.open) box.close();
      render({ rebuild: false });
      return;
    }
    const text = await response.text();
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
