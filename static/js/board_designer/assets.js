// The list of approved board images (GET /api/board-assets/).

import { getJson } from "./http.js";
import { chooseAsset } from "./images.js";
import { root, state } from "./state.js";
import { $, h } from "./util.js";

export async function loadAssets(url) {
  const list = $("#asset-list");
  const append = Boolean(url);
  try {
    const page = await getJson(url || `${root.dataset.assetsUrl}?page_size=24`);
    const items = page.results.map((asset) => {
      const button = h(
        "button",
        {
          type: "button",
          class: "asset-option",
          "data-testid": "asset-option",
          dataset: { assetId: asset.id },
          "aria-pressed": String(Boolean(state.background && state.background.assetId === asset.id)),
          title: asset.description || asset.title || asset.id,
        },
        asset.thumbnail_url ? h("img", { src: asset.thumbnail_url, alt: "", loading: "lazy" }) : h("span", { class: "no-thumb", text: "no preview" }),
        h("span", { class: "asset-title", text: asset.title || "untitled" }),
        h("small", { text: asset.width && asset.height ? `${asset.width}×${asset.height}` : asset.content_type || "" })
      );
      button.addEventListener("click", () => chooseAsset(asset));
      return h("li", {}, button);
    });
    if (append) list.append(...items);
    else list.replaceChildren(...items);
    if (!append && !items.length) list.append(h("li", { class: "empty", text: "No approved images yet." }));
    state.assetsNext = page.next;
    $('[data-action="more-assets"]').hidden = !state.assetsNext;
  } catch (error) {
    list.replaceChildren(h("li", { class: "empty", text: `The image list is unavailable (${error.message}).` }));
  }
}
