// The site's HTTP API from the browser. Both calls resolve to {ok, status, data, error} and
// never throw: error is the server's "detail" text, or a text naming the network or HTTP
// failure. The printer-control token is asked once and kept in sessionStorage only
// (klipperiwc.controlToken); it goes out as X-Printer-Control-Key.

export const CONTROL_TOKEN_KEY = "klipperiwc.controlToken";
export const ADMIN_TOKEN_KEY = "klipperiwc.adminToken";
export const CONTROL_HEADER = "X-Printer-Control-Key";
export const ADMIN_HEADER = "X-Printer-Admin-Key";

function readSession(key) {
  try {
    return window.sessionStorage.getItem(key) || "";
  } catch {
    return "";
  }
}

function writeSession(key, value) {
  try {
    if (value) window.sessionStorage.setItem(key, value);
    else window.sessionStorage.removeItem(key);
  } catch {
    // Storage refused: the token lasts for this page only.
  }
}

let memoryControlToken = "";
const controlListeners = new Set();

export function controlToken() {
  return readSession(CONTROL_TOKEN_KEY) || memoryControlToken;
}

export function setControlToken(token) {
  memoryControlToken = (token || "").trim();
  writeSession(CONTROL_TOKEN_KEY, memoryControlToken);
  for (const fn of controlListeners) fn(memoryControlToken);
}

export function clearControlToken() {
  setControlToken("");
}

/** fn(token) whenever the control token is set or cleared; returns a function that removes it. */
export function onControlTokenChange(fn) {
  controlListeners.add(fn);
  return () => controlListeners.delete(fn);
}

export function adminToken() {
  return readSession(ADMIN_TOKEN_KEY);
}

export function setAdminToken(token) {
  writeSession(ADMIN_TOKEN_KEY, (token || "").trim());
}

function withParams(path, params) {
  if (!params) return path;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => query.append(name, String(item)));
    else query.append(name, String(value));
  }
  const text = query.toString();
  if (!text) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${text}`;
}

function detailOf(data) {
  if (!data || typeof data !== "object") return "";
  if (typeof data.detail === "string") return data.detail;
  const fields = Object.entries(data)
    .filter(([, value]) => Array.isArray(value) && value.length)
    .map(([name, value]) => `${name}: ${value.join(" ")}`);
  return fields.join("; ");
}

async function request(method, path, { headers = {}, body } = {}) {
  let response;
  try {
    response = await fetch(path, { method, headers: { Accept: "application/json", ...headers }, body, credentials: "same-origin" });
  } catch (error) {
    return { ok: false, status: 0, data: null, error: `The server could not be reached (${error.message || "network error"}).` };
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  try {
    if (type.includes("json")) data = await response.json();
    else {
      const text = await response.text();
      data = text === "" ? null : text;
    }
  } catch {
    data = null;
  }
  if (response.ok) return { ok: true, status: response.status, data, error: "" };
  const detail = detailOf(data) || `${method} ${path.split("?")[0]} failed: HTTP ${response.status} ${response.statusText}`.trim();
  return { ok: false, status: response.status, data, error: detail };
}

/**
 * GET ``path`` with query ``params``. The control token goes along when one is stored
 * (the control reads need it; the public reads ignore it); ``{controlToken: false}`` leaves it out.
 */
export function apiGet(path, params, { controlToken: sendControl = true, adminToken: sendAdmin = false } = {}) {
  const headers = {};
  const control = sendControl ? controlToken() : "";
  if (control) headers[CONTROL_HEADER] = control;
  if (sendAdmin && adminToken()) headers[ADMIN_HEADER] = adminToken();
  return request("GET", withParams(path, params), { headers });
}

/**
 * ``method`` ``path`` with a JSON body (``json``) or any fetch body (``body``: FormData for uploads).
 * Sends the control token unless ``controlToken: false``; the admin token with ``adminToken: true``;
 * ``csrf``: the page's CSRF token, for writes of a signed-in session.
 */
export function apiSend(method, path, { json, body, controlToken: sendControl = true, adminToken: sendAdmin = false, csrf = "" } = {}) {
  const headers = {};
  // A signed-in session's writes carry Django's CSRF token (from the page; the cookie is HttpOnly).
  if (csrf) headers["X-CSRFToken"] = csrf;
  let payload = body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  const control = sendControl ? controlToken() : "";
  if (control) headers[CONTROL_HEADER] = control;
  if (sendAdmin && adminToken()) headers[ADMIN_HEADER] = adminToken();
  return request(method.toUpperCase(), path, { headers, body: payload });
}
