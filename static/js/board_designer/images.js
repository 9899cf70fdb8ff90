// Images: the background's size, the definition's image entry, choosing an approved asset or a local file.

import { get } from "./http.js";
import { render } from "./render.js";
import { sha256Hex } from "./sha256.js";
import { IMAGE_KEY, MAX_STORED_IMAGE_CHARS, root, state } from "./state.js";
import { save } from "./storage.js";
import { $, clone } from "./util.js";
import { fitView } from "./view.js";

export function imageSize() {
  if (state.background && state.background.width && state.background.height) return { w: state.background.width, h: state.background.height };
  if (state.doc.image && state.doc.image.width && state.doc.image.height) return { w: state.doc.image.width, h: state.doc.image.height };
  return null;
}

// The definition's images[0]: the chosen background (id "top"), else the imported entry.
// "file" is an asset reference: board-asset:<uuid> for an approved asset, else the local file's name.
export function imageEntry() {
  if (state.background) {
    const file = state.background.kind === "asset" ? `board-asset:${state.background.assetId}` : state.background.name || "board-image";
    return { id: "top", file, width: state.background.width, height: state.background.height, sha256: state.background.sha256 };
  }
  return state.doc.image ? clone(state.doc.image) : null;
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("the image could not be loaded"));
    image.src = url;
  });
}

function setBackground(next) {
  state.background = next;
  state.fitPending = true;
  save();
  render({ rebuild: false });
  fitView();
}

export async function chooseAsset(asset) {
  const status = $("#background-status");
  status.textContent = `Loading “${asset.title || asset.id}”…`;
  try {
    const image = await loadImage(asset.file_url);
    localStorage.removeItem(IMAGE_KEY);
    state.backgroundFile = null;
    setBackground({
      kind: "asset",
      assetId: asset.id,
      title: asset.title || "",
      url: asset.file_url,
      width: asset.width || image.naturalWidth,
      height: asset.height || image.naturalHeight,
      sha256: asset.sha256,
      contentType: asset.content_type || "",
    });
  } catch (error) {
    status.textContent = `Could not load “${asset.title || asset.id}”: ${error.message}.`;
  }
}

export async function refreshAsset(assetId) {
  const answer = await get(`${root.dataset.assetsUrl}${encodeURIComponent(assetId)}/`);
  if (answer.status === 0) return; // offline: keep the stored link
  if (!answer.ok) {
    if (state.background && state.background.assetId === assetId) {
      state.background.missing = true;
      state.background.note = `The board image ${assetId} is no longer available (HTTP ${answer.status}).`;
      render({ rebuild: false });
    }
    return;
  }
  const asset = answer.data;
  if (asset && typeof asset === "object" && state.background && state.background.assetId === assetId) {
    Object.assign(state.background, {
      url: asset.file_url,
      title: asset.title || state.background.title,
      width: asset.width || state.background.width,
      height: asset.height || state.background.height,
      sha256: asset.sha256 || state.background.sha256,
      missing: false,
      note: "",
    });
    save();
    render({ rebuild: false });
  }
}

export async function chooseLocalFile(file) {
  const status = $("#background-status");
  status.textContent = `Reading ${file.name}…`;
  try {
    const buffer = await file.arrayBuffer();
    const sha256 = await sha256Hex(buffer);
    const url = URL.createObjectURL(file);
    const image = await loadImage(url);
    if (!image.naturalWidth || !image.naturalHeight) throw new Error("it has no pixel size (an SVG without width and height?)");
    let stored = false;
    if (file.size * 1.37 + 64 <= MAX_STORED_IMAGE_CHARS) {
      const dataUrl = await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(file);
      });
      try {
        if (dataUrl.length <= MAX_STORED_IMAGE_CHARS) {
          localStorage.setItem(IMAGE_KEY, dataUrl);
          stored = true;
        }
      } catch (error) {
        stored = false;
      }
    }
    if (!stored) localStorage.removeItem(IMAGE_KEY);
    state.backgroundFile = file; // the file itself, for "Submit for review" (lost on reload; the stored copy remains)
    setBackground({
      kind: "local",
      name: file.name,
      url,
      width: image.naturalWidth,
      height: image.naturalHeight,
      sha256,
      stored,
      contentType: file.type || "",
    });
  } catch (error) {
    status.textContent = `Could not use ${file.name}: ${error.message}.`;
  }
}
