// Rendering the page from the state: toolbar, board form, sources, background, connector list, problems.

import { renderCanvas } from "./canvas.js";
import { findPin } from "./document.js";
import { boardForm } from "./dom.js";
import { renderInspector } from "./inspector.js";
import { allProblems, problemCounts } from "./problems.js";
import { rules } from "./rules.js";
import { history, state } from "./state.js";
import { select } from "./tools.js";
import { $, $$, h, plural, selectElement } from "./util.js";

export function render(options = {}) {
  const problems = allProblems();
  const counts = problemCounts(problems);
  renderToolbar();
  renderBoardForm();
  renderSources();
  renderBackground();
  renderCanvas(counts);
  renderList(counts);
  renderInspector(Boolean(options.rebuild));
  renderProblems(problems);
  renderCheckList();
  if (state.pendingFocus) {
    const element = $(`[data-key="${state.pendingFocus}"]`);
    state.pendingFocus = null;
    if (element) element.focus();
  }
}

function renderToolbar() {
  $('[data-action="undo"]').disabled = !history.past.length;
  $('[data-action="redo"]').disabled = !history.future.length;
  $('[data-action="delete"]').disabled = !state.selectedUid;
}

export function setValue(element, value) {
  if (element && element.value !== value) element.value = value;
}

function renderBoardForm() {
  const b = state.doc.board;
  for (const element of $$("[data-field]", boardForm)) {
    const field = element.dataset.field;
    element.dataset.key = `board:${field}`;
    setValue(element, String(b[field] ?? ""));
  }
}

function renderSources() {
  const container = $("#sources");
  const signature = String(state.doc.sources.length);
  if (signature !== state.sourcesSignature) {
    state.sourcesSignature = signature;
    const rows = state.doc.sources.map((source, index) => {
      const field = (name, label, input) => {
        input.dataset.key = `source:${index}:${name}`;
        input.id = `source-${index}-${name}`;
        return h(
          "div",
          { class: "source-field" },
          h("label", { for: input.id, text: label }),
          input,
          h("span", { class: "field-error", "data-error-for": `source:${index}:${name}`, hidden: true })
        );
      };
      return h(
        "fieldset",
        { class: "source", "data-testid": "source-row" },
        h("legend", { text: `Source ${index + 1}` }),
        field("id", "Id", h("input", { autocomplete: "off", "data-testid": "source-id" })),
        field("kind", "Kind", selectElement(rules.sourceKinds, source.kind, { "data-testid": "source-kind" })),
        field("title", "Title", h("input", { autocomplete: "off", "data-testid": "source-title" })),
        field("url", "Link (https)", h("input", { type: "url", autocomplete: "off", "data-testid": "source-url" })),
        state.doc.sources.length > 1
          ? h("button", { type: "button", class: "link", dataset: { removeSource: String(index) }, text: "Remove source" })
          : null
      );
    });
    container.replaceChildren(...rows);
  }
  state.doc.sources.forEach((source, index) => {
    for (const name of ["id", "kind", "title", "url"]) setValue($(`[data-key="source:${index}:${name}"]`, container), source[name]);
  });
}

function renderBackground() {
  const status = $("#background-status");
  const preview = $("#background-preview");
  const parts = [];
  if (state.background) {
    const name = state.background.kind === "asset" ? `“${state.background.title || state.background.assetId}” (approved image)` : state.background.name;
    parts.push(`${name}, ${state.background.width}×${state.background.height} px, sha256 ${String(state.background.sha256 || "").slice(0, 12)}…`);
    if (state.background.kind === "local" && state.background.missing) {
      parts.push(`Pick ${state.background.name} again with the file field below: it was too large to keep in this browser.`);
    } else if (state.background.kind === "local" && !state.background.stored) {
      parts.push("Too large to keep in this browser (over 4 MB): after a reload you will be asked to pick it again.");
    } else if (state.background.kind === "local") {
      parts.push("Kept in this browser only; it is never uploaded.");
    }
    if (state.background.note) parts.push(state.background.note);
    if (state.doc.image && state.doc.image.sha256 && state.background.sha256 && state.doc.image.sha256 !== state.background.sha256) {
      parts.push("The imported shapes were drawn on a different image (its sha256 differs): check their positions.");
    }
  } else if (state.doc.image) {
    parts.push(
      `The imported definition was drawn on “${state.doc.image.file}” (${state.doc.image.width}×${state.doc.image.height} px): choose that image to see it behind the shapes.`
    );
  } else {
    parts.push("No image yet: choose an approved image or a local file.");
  }
  status.textContent = parts.join(" ");
  status.classList.toggle("warn", Boolean(state.background && (state.background.missing || state.background.note)));
  if (state.background && state.background.url && !state.background.missing) {
    if (preview.getAttribute("src") !== state.background.url) preview.src = state.background.url;
    preview.alt = `Board image: ${state.background.kind === "asset" ? state.background.title || "approved image" : state.background.name}`;
    preview.hidden = false;
  } else {
    preview.removeAttribute("src");
    preview.hidden = true;
  }
  $$(".asset-option").forEach((button) =>
    button.setAttribute("aria-pressed", String(Boolean(state.background && state.background.assetId === button.dataset.assetId)))
  );
}

function renderList(counts) {
  const list = $("#connector-list");
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.uid : null;
  $("#connector-count").textContent = String(state.doc.connectors.length);
  const items = state.doc.connectors.map((connector) => {
    const problems = counts.get(connector.uid) || 0;
    const button = h(
      "button",
      {
        type: "button",
        class: "connector-item",
        "data-testid": "connector-item",
        dataset: { uid: connector.uid, connectorId: connector.id },
        "aria-current": connector.uid === state.selectedUid ? "true" : null,
      },
      h("span", { class: "label", "data-testid": "connector-item-label", text: connector.label || "(no label)" }),
      " ",
      h("span", { class: "id", text: connector.id }),
      " ",
      h("span", { class: "kind", text: connector.kind }),
      connector.geometry ? null : [" ", h("span", { class: "tag", "data-testid": "not-placed", text: "not placed" })],
      problems ? [" ", h("span", { class: "badge", "data-testid": "connector-problems", text: plural(problems, "problem") })] : null
    );
    return h("li", {}, button);
  });
  if (!items.length) items.push(h("li", { class: "empty", text: "No connectors yet: draw one on the image." }));
  list.replaceChildren(...items);
  if (focused) {
    const again = $(`[data-uid="${CSS.escape(focused)}"]`, list);
    if (again) again.focus();
  }
}

function renderProblems(problems) {
  for (const span of $$("[data-error-for]")) {
    const messages = problems.get(span.dataset.errorFor) || [];
    span.textContent = messages.join(" ");
    span.hidden = !messages.length;
  }
  for (const control of $$("input[data-key], select[data-key], textarea[data-key]")) {
    control.setAttribute("aria-invalid", String(problems.has(control.dataset.key)));
  }
}

function renderCheckList() {
  const list = $("#validation-errors");
  const stale = state.lastCheck && state.lastCheck.docJson !== JSON.stringify(state.doc);
  list.classList.toggle("stale", Boolean(stale));
  list.replaceChildren(
    ...state.serverErrors.map((error) => {
      const item = h(
        "li",
        { "data-testid": "validation-error", dataset: { path: error.path } },
        h("code", { text: error.path || "/" }),
        " ",
        h("span", { text: error.message })
      );
      if (error.key && /^(conn|pin):/.test(error.key)) {
        const button = h("button", { type: "button", class: "link", text: "show" });
        button.addEventListener("click", () => revealKey(error.key));
        item.append(" ", button);
      }
      return item;
    })
  );
  if (stale) {
    $('[data-action="download-definition"]').hidden = true;
    $('[data-action="download-anyway"]').hidden = true;
    const status = $("#validation-status");
    if (!status.textContent.startsWith("Changed")) {
      status.textContent = "Changed since the last check: check again before downloading.";
      status.className = "validation-status";
    }
  }
}

function revealKey(key) {
  const [type, id] = key.split(":");
  const uid = type === "conn" ? id : (findPin(state.doc, id) || {}).connector?.uid;
  if (!uid) return;
  state.pendingFocus = key;
  state.selectedUid = null;
  select(uid);
}
