// Wiring: the event listeners of the page's controls.

import { loadAssets } from "./assets.js";
import { buildDefinition } from "./definition.js";
import { deriveBoardId, deriveConnectorId, findConnector, findPin, HEADER_NOTES, newConnector, newDoc, newPin } from "./document.js";
import { boardForm, canvas, inspectorBody, stage } from "./dom.js";
import { commit, redo, undo } from "./history.js";
import { chooseLocalFile } from "./images.js";
import { importCatalogBoard, importFile, searchCatalog } from "./import.js";
import { onKeyDown, onKeyUp } from "./keyboard.js";
import { onPointerDown, onPointerMove, onPointerUp, onWheel } from "./pointer.js";
import { checkDefinition, copyKlipper, download, downloadChecked, exportKlipper } from "./server.js";
import { submitForReview } from "./submit.js";
import { rules } from "./rules.js";
import { history, root, state } from "./state.js";
import { deleteSelected, select, setTool } from "./tools.js";
import { $, $$, h } from "./util.js";
import { fitView, zoomCentre } from "./view.js";

function onBoardInput(event) {
  const key = event.target.dataset.key;
  if (!key || !key.startsWith("board:")) return;
  if (event.type === "input" && event.target.tagName === "SELECT") return;
  const name = key.slice("board:".length);
  const value = event.target.value;
  commit(
    (d) => {
      const b = d.board;
      if (name === "id") {
        if (value.trim() === "") {
          b.idLocked = false;
          b.id = deriveBoardId(b);
        } else {
          b.idLocked = true;
          b.id = value;
        }
        return;
      }
      if (name === "family") {
        b.family = value;
        const chips = rules.chips.get(value) || [];
        if (!chips.includes(b.chip)) b.chip = chips[0] || "";
        return;
      }
      if (name === "convention") {
        const old = b.convention;
        b.convention = value;
        if (!b.header_notes.trim() || b.header_notes === HEADER_NOTES[old]) b.header_notes = HEADER_NOTES[value];
        return;
      }
      b[name] = value;
      if ((name === "name" || name === "revision") && !b.idLocked) b.id = deriveBoardId(b);
    },
    event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
  );
  if (name === "family") updateChipSuggestions();
}

function onSourceInput(event) {
  const key = event.target.dataset.key;
  if (!key || !key.startsWith("source:")) return;
  if (event.type === "input" && event.target.tagName === "SELECT") return;
  const [, index, name] = key.split(":");
  const value = event.target.value;
  commit(
    (d) => {
      d.sources[Number(index)][name] = value;
    },
    event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
  );
}

function onInspectorInput(event) {
  const key = event.target.dataset.key;
  if (!key) return;
  if (event.type === "input" && event.target.tagName === "SELECT") return;
  if (event.type === "change" && event.target.tagName !== "SELECT") {
    history.lastKey = null; // leaving a text field ends its undo step
    return;
  }
  const [type, id, prop] = key.split(":");
  const value = event.target.value;
  commit(
    (d) => {
      if (type === "conn") {
        const connector = findConnector(d, id);
        if (!connector) return;
        if (prop === "label") {
          connector.label = value;
          if (!connector.idLocked) connector.id = deriveConnectorId(d, connector);
        } else if (prop === "id") {
          if (value.trim() === "") {
            connector.idLocked = false;
            connector.id = deriveConnectorId(d, connector);
          } else {
            connector.idLocked = true;
            connector.id = value;
          }
        } else {
          connector[prop] = value;
        }
      } else if (type === "pin") {
        const found = findPin(d, id);
        if (!found) return;
        found.pin[prop] = value;
        if (prop === "function" && !found.pin.value.trim()) {
          if (value === "gnd") found.pin.value = "GND";
          if (value === "nc") found.pin.value = "NC";
        }
      }
    },
    event.target.tagName === "SELECT" ? { clear: key, rebuild: false } : { key, rebuild: false }
  );
}

function onInspectorClick(event) {
  const button = event.target.closest("button");
  if (!button) return;
  const connector = findConnector(state.doc, state.selectedUid);
  if (!connector) return;
  const uid = connector.uid;
  if (button.dataset.removePin) {
    const pid = button.dataset.removePin;
    commit((d) => {
      const c = findConnector(d, uid);
      c.pins = c.pins.filter((pin) => pin.pid !== pid);
    });
  } else if (button.dataset.action === "add-pin") {
    let pid;
    commit((d) => {
      const c = findConnector(d, uid);
      const pin = newPin(c);
      pid = pin.pid;
      c.pins.push(pin);
    });
    const input = $(`[data-key="pin:${pid}:value"]`, inspectorBody);
    if (input) input.focus();
  } else if (button.dataset.action === "delete") {
    deleteSelected();
  } else if (button.dataset.action === "unplace") {
    commit((d) => {
      findConnector(d, uid).geometry = null;
    });
  } else if (button.dataset.placeTool) {
    if (connector.geometry) {
      commit((d) => {
        findConnector(d, uid).geometry = null;
      });
    }
    setTool(button.dataset.placeTool);
  }
}

export function updateChipSuggestions() {
  const list = $("#chip-suggestions");
  list.replaceChildren(...(rules.chips.get(state.doc.board.family) || []).map((chip) => h("option", { value: chip })));
}

export function bind() {
  canvas.addEventListener("pointerdown", onPointerDown);
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointercancel", onPointerUp);
  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("auxclick", (event) => event.preventDefault());
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("keyup", onKeyUp);
  window.addEventListener("blur", () => {
    state.spaceHeld = false;
    canvas.classList.remove("space-pan");
  });

  $$(".tool").forEach((button) => button.addEventListener("click", () => setTool(button.dataset.tool)));
  const actions = {
    "zoom-in": () => zoomCentre(1.25),
    "zoom-out": () => zoomCentre(0.8),
    "zoom-fit": fitView,
    undo,
    redo,
    delete: deleteSelected,
    "new-board": () => {
      state.selectedUid = null;
      commit(() => newDoc());
    },
    "add-connector": () => {
      let uid;
      commit((d) => {
        const connector = newConnector(d, null);
        uid = connector.uid;
        d.connectors.push(connector);
      });
      state.pendingFocus = `conn:${uid}:label`;
      select(uid);
    },
    "add-source": () => {
      commit((d) => {
        let n = d.sources.length + 1;
        while (d.sources.some((source) => source.id === `source${n}`)) n += 1;
        d.sources.push({ id: `source${n}`, title: "", url: "https://", kind: "vendor_diagram", extra: {} });
      });
    },
    "reload-assets": () => loadAssets(),
    "more-assets": () => state.assetsNext && loadAssets(state.assetsNext),
    "more-boards": () => state.boardsNext && searchCatalog(state.boardsNext),
    "export-definition": checkDefinition,
    "download-definition": downloadChecked,
    "download-anyway": () => {
      const definition = buildDefinition();
      download(`${JSON.stringify(definition, null, 2)}\n`, `${definition.id || "board"}.json`, "application/json");
    },
    "export-klipper": exportKlipper,
    "submit-for-review": submitForReview,
    "copy-klipper": copyKlipper,
    "close-klipper": () => $("#klipper-box").close(),
    "download-klipper": () => download($("#klipper-cfg").value, `${$("#klipper-box").dataset.boardId || "board"}.cfg`, "text/plain"),
  };
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || inspectorBody.contains(button)) return;
    const action = actions[button.dataset.action];
    if (action) action();
  });

  boardForm.addEventListener("input", onBoardInput);
  boardForm.addEventListener("change", onBoardInput);
  boardForm.addEventListener("change", () => (history.lastKey = null));
  const sources = $("#sources");
  sources.addEventListener("input", onSourceInput);
  sources.addEventListener("change", onSourceInput);
  sources.addEventListener("change", () => (history.lastKey = null));
  sources.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-source]");
    if (!button) return;
    const index = Number(button.dataset.removeSource);
    commit((d) => {
      d.sources.splice(index, 1);
    });
  });
  inspectorBody.addEventListener("input", onInspectorInput);
  inspectorBody.addEventListener("change", onInspectorInput);
  inspectorBody.addEventListener("click", onInspectorClick);

  $("#connector-list").addEventListener("click", (event) => {
    const item = event.target.closest("[data-uid]");
    if (item) select(item.dataset.uid);
  });
  $("#local-image-input").addEventListener("change", (event) => {
    const file = event.target.files && event.target.files[0];
    if (file) chooseLocalFile(file);
    event.target.value = "";
  });
  $("#import-file-input").addEventListener("change", (event) => {
    const file = event.target.files && event.target.files[0];
    if (file) importFile(file);
    event.target.value = "";
  });
  $("#catalog-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searchCatalog();
  });
  $("#catalog-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-board-id]");
    if (button) importCatalogBoard(button.dataset.boardId);
  });
  new ResizeObserver(() => {
    if (state.fitPending) fitView();
  }).observe(stage);
}
