// What the farm shows, as it is kept in the page's URL query (so a view can be bookmarked):
//   ?q=<name search>&tag=a,b&state=printing,paused&sort=name|state|time-left&wall=1
export const STATES = ["printing", "paused", "idle", "error", "offline"];
export const SORTS = ["name", "state", "time-left"];
// "state" sort: what needs someone first.
const STATE_RANK = { error: 0, offline: 1, paused: 2, printing: 3, idle: 4 };

function list(value) {
  return (value || "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export function readView(search = window.location.search) {
  const query = new URLSearchParams(search);
  const sort = query.get("sort");
  const wall = query.get("wall");
  return {
    q: (query.get("q") || "").trim(),
    tags: query.getAll("tag").flatMap(list),
    states: query.getAll("state").flatMap(list).filter((state) => STATES.includes(state)),
    sort: SORTS.includes(sort) ? sort : "name",
    wall: wall === "1" || wall === "true",
  };
}

/** The query string of ``view`` (defaults left out), keeping unrelated parameters of ``search``. */
export function viewQuery(view, search = window.location.search) {
  const query = new URLSearchParams(search);
  for (const name of ["q", "tag", "state", "sort", "wall"]) query.delete(name);
  if (view.q) query.set("q", view.q);
  if (view.tags.length) query.set("tag", view.tags.join(","));
  if (view.states.length) query.set("state", view.states.join(","));
  if (view.sort !== "name") query.set("sort", view.sort);
  if (view.wall) query.set("wall", "1");
  const text = query.toString().replaceAll("%2C", ",");
  return text ? `?${text}` : "";
}

/** Whether ``printer`` passes the view's name search and tags (the state filter aside). */
export function matchesSearch(printer, view) {
  if (view.q) {
    const needle = view.q.toLowerCase();
    if (!printer.name.toLowerCase().includes(needle) && !printer.slug.toLowerCase().includes(needle)) return false;
  }
  if (view.tags.length && !view.tags.some((tag) => printer.tags.includes(tag))) return false;
  return true;
}

export function matches(printer, view) {
  return matchesSearch(printer, view) && (!view.states.length || view.states.includes(printer.state));
}

/** Seconds until the active job should be done, or null. */
export function timeLeft(printer, now = Date.now()) {
  const job = printer.status && printer.status.active_job;
  if (!job || !job.estimated_completion) return null;
  const eta = Date.parse(job.estimated_completion);
  return Number.isNaN(eta) ? null : (eta - now) / 1000;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function comparator(sort, now = Date.now()) {
  const byName = (a, b) => collator.compare(a.name, b.name) || collator.compare(a.slug, b.slug);
  if (sort === "state") {
    return (a, b) => (STATE_RANK[a.state] ?? 5) - (STATE_RANK[b.state] ?? 5) || byName(a, b);
  }
  if (sort === "time-left") {
    return (a, b) => {
      const left = timeLeft(a, now);
      const right = timeLeft(b, now);
      if (left === null && right === null) return byName(a, b);
      if (left === null) return 1;
      if (right === null) return -1;
      return left - right || byName(a, b);
    };
  }
  return byName;
}
