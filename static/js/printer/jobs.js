// Job history: GET /api/printers/<slug>/jobs (filtered by status, paged) with the totals of
// /jobs/totals, and a CSV export of the same filter (/jobs.csv).
import { apiGet } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { formatDateTime, formatDuration } from "../lib/format.js";

const LABELS = {
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
  error: "Error",
  klippy_shutdown: "Klippy shutdown",
  klippy_disconnect: "Klippy disconnect",
  interrupted: "Interrupted",
  server_exit: "Server exit",
};
const PAGE_SIZE = 20;

function metres(mm) {
  if (mm === null || mm === undefined) return "–";
  return mm >= 1000 ? `${(mm / 1000).toFixed(2)} m` : `${Math.round(mm)} mm`;
}

export class JobHistory {
  constructor(root, { slug }) {
    this.root = root;
    this.base = `/api/printers/${encodeURIComponent(slug)}`;
    this.totals = root.querySelector('[data-testid="jobs-totals"]');
    this.filters = root.querySelector('[data-testid="jobs-filters"]');
    this.body = root.querySelector('[data-field="jobs"]');
    this.csv = root.querySelector('[data-testid="jobs-csv"]');
    this.prev = root.querySelector('[data-testid="jobs-prev"]');
    this.next = root.querySelector('[data-testid="jobs-next"]');
    this.pageLabel = root.querySelector('[data-testid="jobs-page"]');
    const asked = new URLSearchParams(location.search).get("jobs");
    this.status = asked && LABELS[asked] ? asked : "";
    this.page = 1;
    this.counts = null;
    this.prev.addEventListener("click", () => this.go(this.page - 1));
    this.next.addEventListener("click", () => this.go(this.page + 1));
  }

  async load() {
    await Promise.all([this.loadTotals(), this.loadPage()]);
  }

  async loadTotals() {
    const answer = await apiGet(`${this.base}/jobs/totals`);
    if (!answer.ok) {
      this.totals.textContent = `Totals unavailable: ${answer.error}`;
      return;
    }
    const t = answer.data;
    this.counts = t.counts || {};
    const parts = [`${t.jobs} job${t.jobs === 1 ? "" : "s"}`];
    if (t.jobs) {
      parts.push(`printing ${formatDuration(t.total_print_seconds)}`);
      parts.push(`filament ${metres(t.total_filament_mm)}`);
      const done = this.counts.completed || 0;
      parts.push(`${Math.round((100 * done) / t.jobs)} % completed`);
    }
    this.totals.textContent = parts.join(" · ");
    this.renderFilters(t.jobs);
  }

  renderFilters(all) {
    const button = (status, label, count) =>
      h("button", {
        type: "button",
        class: "pp-filter",
        dataset: { status, testid: `jobs-filter-${status || "all"}` },
        "aria-pressed": String(this.status === status),
        text: `${label} (${count})`,
        onclick: () => this.filter(status),
      });
    const buttons = [button("", "All", all)];
    for (const [status, label] of Object.entries(LABELS)) {
      const count = this.counts[status] || 0;
      if (count || this.status === status) buttons.push(button(status, label, count));
    }
    this.filters.replaceChildren(...buttons);
  }

  filter(status) {
    this.status = status;
    this.page = 1;
    const url = new URL(location.href);
    if (status) url.searchParams.set("jobs", status);
    else url.searchParams.delete("jobs");
    history.replaceState(null, "", url);
    for (const b of this.filters.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.status === status));
    this.loadPage();
  }

  go(page) {
    if (page < 1) return;
    this.page = page;
    this.loadPage();
  }

  async loadPage() {
    const params = { page: String(this.page), page_size: String(PAGE_SIZE) };
    if (this.status) params.status = this.status;
    this.csv.href = `${this.base}/jobs.csv${this.status ? `?status=${encodeURIComponent(this.status)}` : ""}`;
    const answer = await apiGet(`${this.base}/jobs`, params);
    if (!answer.ok) {
      this.body.replaceChildren(h("tr", { class: "pp-empty" }, h("td", { colspan: "5", text: answer.error })));
      return;
    }
    const page = answer.data;
    const rows = page.results || [];
    if (!rows.length) {
      const text = this.status ? `No ${LABELS[this.status].toLowerCase()} jobs.` : "No jobs recorded yet.";
      this.body.replaceChildren(h("tr", { class: "pp-empty" }, h("td", { colspan: "5", text })));
    } else {
      this.body.replaceChildren(...rows.map((job) => this.row(job)));
    }
    const pages = Math.max(1, Math.ceil(page.count / PAGE_SIZE));
    this.pageLabel.textContent = `page ${this.page} of ${pages}`;
    this.prev.disabled = !page.previous;
    this.next.disabled = !page.next;
  }

  row(job) {
    return h(
      "tr",
      { dataset: { job: job.job_id, status: job.status } },
      h("td", { class: "pp-file-name", text: job.filename }),
      h("td", {}, h("span", { class: `pp-job-status job-${job.status}`, text: LABELS[job.status] || job.status })),
      h("td", { text: job.started_at ? formatDateTime(job.started_at) : "–" }),
      h("td", { class: "pp-num", text: job.print_duration ? formatDuration(job.print_duration) : "–" }),
      h("td", { class: "pp-num", text: metres(job.filament_used) }),
    );
  }
}
