// One WebSocket client for /ws/status, shared by every page.
//
//   const socket = new StatusSocket({printers: ["a", "b"] /* empty: all */, onStatus, onConnection, onState});
//   socket.start();
//
// onStatus(msg)      {"type": "status", "seq", "printer", "payload"}; a seq not above the last one
//                    seen for that printer is dropped.
// onConnection(msg)  {"type": "connection", "printer", "connection": {state, message, since}}
// onState(state, detail)
//   "connecting"    opening the socket
//   "live"          open
//   "reconnecting"  closed; detail = seconds until the next try (capped exponential backoff, jitter)
//   "token-needed"  the server wants a token (close 4401; detail: its message). Nothing is retried
//                   until StatusSocket.setToken(t) (kept in sessionStorage klipperiwc.wsToken).
//   "unavailable"   the server's database or Redis is down (close 4503); detail = seconds until
//                   the next try
//   "locked-out"    too many wrong tokens from this address (close 4423, klipperiwc_site/guessing.py);
//                   detail = seconds until the next try, which waits out the server's retry_after
//                   (any token is refused until then); StatusSocket.lastError has the server's words.
// A ping goes out every 25 s so proxies keep the socket open.

export const WS_TOKEN_KEY = "klipperiwc.wsToken";
const CLOSE_TOKEN = 4401;
const CLOSE_UNAVAILABLE = 4503;
const CLOSE_LOCKED_OUT = 4423;
const PING_MS = 25_000;
const BACKOFF_FIRST_S = 1;
const BACKOFF_MAX_S = 30;

function storedToken() {
  try {
    return window.sessionStorage.getItem(WS_TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

const sockets = new Set();

export class StatusSocket {
  constructor({ printers = [], onStatus = () => {}, onConnection = () => {}, onState = () => {}, path = "/ws/status" } = {}) {
    this.printers = [...printers];
    this.onStatus = onStatus;
    this.onConnection = onConnection;
    this.onState = onState;
    this.path = path;
    this.lastSeq = new Map();
    this.socket = null;
    this.retryTimer = null;
    this.pingTimer = null;
    this.attempt = 0;
    this.running = false;
    this.state = "stopped";
    this.lastError = "";
    this.retryAfter = null;
  }

  /** Keep ``token`` (sessionStorage) and reconnect every running StatusSocket with it. */
  static setToken(token) {
    try {
      if (token) window.sessionStorage.setItem(WS_TOKEN_KEY, token);
      else window.sessionStorage.removeItem(WS_TOKEN_KEY);
    } catch {
      // Storage refused.
    }
    StatusSocket.memoryToken = token || "";
    for (const socket of sockets) socket.reconnectNow();
  }

  static token() {
    return storedToken() || StatusSocket.memoryToken || "";
  }

  setToken(token) {
    StatusSocket.setToken(token);
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const query = new URLSearchParams();
    if (this.printers.length) query.set("printer", this.printers.join(","));
    const token = StatusSocket.token();
    if (token) query.set("token", token);
    const text = query.toString();
    return `${scheme}//${window.location.host}${this.path}${text ? `?${text}` : ""}`;
  }

  start() {
    if (this.running) return this;
    this.running = true;
    sockets.add(this);
    this.connect();
    return this;
  }

  stop() {
    this.running = false;
    sockets.delete(this);
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPings();
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.onclose = null;
      socket.close(1000);
    }
    this.setState("stopped");
  }

  /** Follow other printers (reconnects). */
  follow(printers) {
    this.printers = [...printers];
    if (this.running) this.reconnectNow();
  }

  reconnectNow() {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.onclose = null;
      socket.close(1000);
    }
    this.stopPings();
    this.connect();
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }

  connect() {
    this.setState("connecting");
    let socket;
    try {
      socket = new WebSocket(this.url());
    } catch (error) {
      this.lastError = String(error.message || error);
      this.scheduleRetry("reconnecting");
      return;
    }
    this.socket = socket;
    this.lastError = "";
    this.retryAfter = null;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState("live");
      this.startPings();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPings();
      if (!this.running) return;
      if (event.code === CLOSE_TOKEN) {
        this.setState("token-needed", this.lastError || event.reason || "This server needs a token for live status.");
        return;
      }
      if (event.code === CLOSE_LOCKED_OUT) {
        // Retrying sooner only meets the same refusal (and a wrong token would count again).
        this.retryAt("locked-out", Number.isFinite(this.retryAfter) ? this.retryAfter : BACKOFF_MAX_S);
        return;
      }
      this.scheduleRetry(event.code === CLOSE_UNAVAILABLE ? "unavailable" : "reconnecting");
    };
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!message || typeof message !== "object") return;
    if (message.type === "status") {
      const last = this.lastSeq.get(message.printer);
      if (last !== undefined && !(message.seq > last)) return;
      this.lastSeq.set(message.printer, message.seq);
      this.onStatus(message);
    } else if (message.type === "connection") {
      this.onConnection(message);
    } else if (message.type === "error") {
      this.lastError = String(message.detail || "");
      if (typeof message.retry_after === "number" && message.retry_after >= 0) this.retryAfter = message.retry_after;
    }
  }

  scheduleRetry(state) {
    const base = Math.min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** this.attempt);
    const seconds = Math.max(0.5, base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.retryAt(state, seconds);
  }

  retryAt(state, seconds) {
    this.setState(state, Math.round(seconds * 10) / 10);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) this.connect();
    }, seconds * 1000);
  }

  startPings() {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send('{"type":"ping"}');
    }, PING_MS);
  }

  stopPings() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
StatusSocket.memoryToken = "";
