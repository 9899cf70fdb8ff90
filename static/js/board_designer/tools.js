// The current tool, the selection and deleting the selected connector.

import { renderCanvas } from "./canvas.js";
import { canvas } from "./dom.js";
import { commit } from "./history.js";
import { render } from "./render.js";
import { history, state } from "./state.js";
import { $$ } from "./util.js";

export function setTool(next) {
  state.tool = next;
  canvas.dataset.tool = next;
  $$(".tool").forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.tool === next)));
  renderCanvas();
}

export function select(uid) {
  if (state.selectedUid === uid) return;
  state.selectedUid = uid;
  history.lastKey = null;
  render({ rebuild: true });
}

export function deleteSelected() {
  const uid = state.selectedUid;
  if (!uid) return;
  commit((d) => {
    d.connectors = d.connectors.filter((c) => c.uid !== uid);
  });
}
