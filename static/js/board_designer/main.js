// Board designer: draw a board's connectors on a picture of it, give each one
// its pins, and export a board definition (boards/schema/board-definition.v1.json)
// or Klipper's [board_pins] section.
//
// Plain JavaScript modules and SVG, no framework, no build step. Rules worth knowing:
// - Every piece of user or server text reaches the page through textContent or
//   attributes (the h()/svg() helpers in util.js); innerHTML is never used.
// - Geometry is stored normalised to the image: x, y, w, h, cx, cy are fractions
//   (0..1) of the image's width (x, w, cx) or height (y, h, cy); a circle's r is a
//   fraction of the image WIDTH (not of the height). So shapes survive any zoom,
//   screen size or a rescaled copy of the same picture.
// - The document (board settings, sources, connectors, pins) changes only through
//   commit() or a drag's end (history.js), which record the previous state for
//   undo/redo and save everything to localStorage (storage.js).
// - The pin rules and the schema's lists come from the server at start (rules.js);
//   no copy of them is kept in JavaScript.
//
// Modules: state (shared state), rules, document (the board model), history,
// storage, images, view (zoom, pan), geometry, pointer, keyboard, tools, problems,
// definition (export), import (files, catalog), assets, server (validate, Klipper
// config), render / canvas / inspector, wiring (event listeners), http (requests through
// ../lib/api.js), sha256, util, dom.

import { loadAssets } from "./assets.js";
import { buildDefinition } from "./definition.js";
import { newDoc } from "./document.js";
import { imageSize } from "./images.js";
import { searchCatalog } from "./import.js";
import { render } from "./render.js";
import { loadRules, parsePinValue, pinAdcCapable, pinNameValid, rules } from "./rules.js";
import { sha256Fallback } from "./sha256.js";
import { root, state } from "./state.js";
import { restore } from "./storage.js";
import { openFromAddress } from "./submit.js";
import { setTool } from "./tools.js";
import { $, clone, fillSelect } from "./util.js";
import { applyView, fitView } from "./view.js";
import { bind, updateChipSuggestions } from "./wiring.js";

function showRulesProblem(failed) {
  const status = $("#rules-status");
  if (!failed.length) {
    status.hidden = true;
    status.textContent = "";
    return;
  }
  status.textContent =
    `Could not load ${failed.join(" and ")} from the server: ` +
    (rules.pinRulesLoaded ? "some fields are not checked as you type. " : "MCU pin names are not checked as you type. ") +
    "The server still checks everything when you export. Reload the page to try again.";
  status.hidden = false;
}

async function start() {
  state.doc = newDoc();
  const header = document.querySelector(".site-header");
  if (header) root.style.setProperty("--header-h", `${header.offsetHeight}px`);
  const rulesLoaded = loadRules();
  restore();
  fillSelect($("#board-mcu-family"), [state.doc.board.family]);
  bind();
  setTool("select");
  applyView();
  render({ rebuild: true });
  fitView();
  loadAssets();
  searchCatalog();
  const opening = openFromAddress();

  let failed;
  try {
    failed = await rulesLoaded;
  } catch (error) {
    failed = [`the rules (${error.message})`];
  }
  showRulesProblem(failed);
  if (opening) await opening;
  fillSelect($("#board-mcu-family"), rules.families.length ? rules.families : [state.doc.board.family]);
  updateChipSuggestions();
  state.sourcesSignature = "";
  render({ rebuild: true });

  // For tests and the console: read-only views of the designer's state.
  window.boardDesigner = Object.freeze({
    buildDefinition,
    pinNameValid,
    pinAdcCapable,
    parsePinValue,
    sha256Fallback,
    imageSize,
    get rulesLoaded() {
      return rules.pinRulesLoaded && rules.schemaLoaded;
    },
    get doc() {
      return clone(state.doc);
    },
    get view() {
      return { ...state.view };
    },
  });
}

if (root) start();
