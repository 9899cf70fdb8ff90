// The designer's mutable state, shared by every module through these objects
// (an ES module cannot reassign another module's binding, so they hold the values).

export const root = document.getElementById("designer");

export const STORAGE_KEY = "klipperiwc.board-designer.v1";
export const IMAGE_KEY = STORAGE_KEY + ".image"; // the data URL of a local image, kept apart from the work
export const MAX_STORED_IMAGE_CHARS = 4 * 1024 * 1024; // about a 3 MB file; localStorage holds ~5 M characters
export const HISTORY_LIMIT = 300;

export const state = {
  doc: null, // set by main.js: newDoc(), or the work restored from localStorage
  background: null, // {kind: "asset"|"local", url, width, height, sha256, title, name, assetId, stored, missing}
  view: { scale: 1, tx: 0, ty: 0 },
  tool: "select",
  selectedUid: null,
  serverErrors: [], // {path, message, key}
  lastCheck: null, // {definition, valid, docJson, kind}
  drag: null,
  spaceHeld: false,
  pendingFocus: null,
  inspectorSignature: "",
  sourcesSignature: "",
  assetsNext: null,
  boardsNext: null,
  fitPending: true,
};

export const history = { past: [], future: [], lastKey: null };
