// Import: a definition file or a catalog board (GET /api/boards/) becomes the document.

import { DESIGNER_SOURCE_ID, newDoc } from "./document.js";
import { commit } from "./history.js";
import { getJson } from "./http.js";
import { refreshAsset } from "./images.js";
import { render } from "./render.js";
import { composePinValue, rules } from "./rules.js";
import { root, state } from "./state.js";
import { $, clone, h, newUid, plural } from "./util.js";
import { fitView } from "./view.js";

function docFromDefinition(definition) {
  if (!definition || typeof definition !== "object" || Array.isArray(definition) || !Array.isArray(definition.connectors)) {
    throw new Error("this is not a board definition (it has no connectors list)");
  }
  const text = (value, fallback = "") => (typeof value === "string" ? value : fallback);
  const fresh = newDoc();
  const mcu = definition.mcu || {};
  const header = definition.header_numbering || {};
  const image = Array.isArray(definition.images) && definition.images[0] ? clone(definition.images[0]) : null;
  const result = {
    board: {
      id: text(definition.id),
      idLocked: true,
      name: text(definition.name),
      manufacturer: text(definition.manufacturer),
      revision: text(definition.revision),
      family: rules.families.includes(mcu.family) ? mcu.family : "stm32",
      chip: text(mcu.chip),
      klipper_build_notes: text(mcu.klipper_build_notes),
      secondary_mcu: text(definition.secondary_mcu),
      convention: header.convention === "klipper" ? "klipper" : "silkscreen",
      header_notes: text(header.notes),
      notes: Array.isArray(definition.notes) ? definition.notes.filter((n) => typeof n === "string") : [],
    },
    sources: (Array.isArray(definition.sources) ? definition.sources : []).map((source) => {
      const { id, title, url, kind, ...extra } = source || {};
      return { id: text(id), title: text(title), url: text(url), kind: rules.sourceKinds.includes(kind) ? kind : "other", extra };
    }),
    image,
    drivers: Array.isArray(definition.drivers) ? clone(definition.drivers) : [],
    shared_signals: Array.isArray(definition.shared_signals) ? clone(definition.shared_signals) : [],
    connectors: [],
  };
  if (!result.sources.some((source) => source.id === DESIGNER_SOURCE_ID)) result.sources.push(fresh.sources[0]);
  for (const item of definition.connectors) {
    const { id, label, kind, geometry, pins, notes, ...extra } = item || {};
    let placed = null;
    if (geometry && image && geometry.image === image.id) {
      placed =
        geometry.shape === "circle"
          ? { shape: "circle", cx: Number(geometry.cx), cy: Number(geometry.cy), r: Number(geometry.r) }
          : { shape: "rect", x: Number(geometry.x), y: Number(geometry.y), w: Number(geometry.w), h: Number(geometry.h) };
      if (Object.values(placed).some((value) => typeof value === "number" && !Number.isFinite(value))) placed = null;
    }
    result.connectors.push({
      uid: newUid("c"),
      id: text(id),
      idLocked: true,
      label: text(label),
      kind: text(kind, "other"),
      geometry: placed,
      notes: text(notes),
      extra,
      pins: (Array.isArray(pins) ? pins : []).map((pin) => {
        const { number, function: fn, mcu_pin: _mcu, net: _net, default_pull: _pull, default_invert: _invert, ...rest } = pin || {};
        return {
          pid: newUid("p"),
          number: number === undefined ? "" : String(number),
          function: text(fn, "gpio"),
          value: composePinValue(pin || {}),
          extra: rest,
        };
      }),
    });
  }
  return result;
}

export function importDefinition(definition, origin) {
  const status = $("#import-status");
  let next;
  try {
    next = docFromDefinition(definition);
  } catch (error) {
    status.textContent = `Could not import ${origin}: ${error.message}.`;
    status.classList.add("warn");
    return false;
  }
  state.selectedUid = null;
  state.inspectorSignature = "";
  commit(() => next);
  const unplaced = next.connectors.filter((c) => !c.geometry).length;
  status.classList.remove("warn");
  status.textContent =
    `Imported ${next.board.name || next.board.id} from ${origin}: ${plural(next.connectors.length, "connector")}` +
    (unplaced ? `, ${unplaced} not placed (select one and draw its shape).` : ".");
  const match = next.image && /^board-asset:([0-9a-fA-F-]{36})$/.exec(next.image.file || "");
  if (match && !(state.background && state.background.assetId === match[1])) {
    state.background = { kind: "asset", assetId: match[1], title: "", url: null, width: next.image.width, height: next.image.height, sha256: next.image.sha256 };
    refreshAsset(match[1]);
  }
  state.fitPending = true;
  render({ rebuild: true });
  fitView();
  return true;
}

export async function importFile(file) {
  try {
    importDefinition(JSON.parse(await file.text()), file.name);
  } catch (error) {
    const status = $("#import-status");
    status.classList.add("warn");
    status.textContent = `Could not read ${file.name}: ${error.message}.`;
  }
}

export async function searchCatalog(url) {
  const list = $("#catalog-list");
  const status = $("#import-status");
  const append = Boolean(url);
  if (!url) {
    const params = new URLSearchParams({ page_size: "20" });
    const query = $("#catalog-search").value.trim();
    if (query) params.set("search", query);
    url = `${root.dataset.boardsUrl}?${params}`;
  }
  try {
    const page = await getJson(url);
    const items = page.results.map((board) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "catalog-result", "data-testid": "catalog-result", dataset: { boardId: board.id } },
          h("span", { class: "name", text: board.name }),
          h("small", { text: [board.manufacturer, board.revision, board.mcu_chip].filter(Boolean).join(" · ") })
        )
      )
    );
    if (append) list.append(...items);
    else list.replaceChildren(...items);
    if (!append && !items.length) list.append(h("li", { class: "empty", text: "No board matches." }));
    state.boardsNext = page.next;
    $('[data-action="more-boards"]').hidden = !state.boardsNext;
  } catch (error) {
    status.textContent = `The board catalog is unavailable (${error.message}).`;
  }
}

export async function importCatalogBoard(boardId) {
  const status = $("#import-status");
  status.textContent = `Loading ${boardId}…`;
  try {
    importDefinition(await getJson(`${root.dataset.boardsUrl}${encodeURIComponent(boardId)}/`), `the catalog (${boardId})`);
  } catch (error) {
    status.textContent = `Could not load ${boardId}: ${error.message}.`;
  }
}
