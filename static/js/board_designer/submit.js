// "Submit for review": the definition and its picture become a pending board submission
// (POST /api/board-submissions/, as the signed-in user); the server's problems are shown on
// their shapes as after "Check". Also opening a catalog board (?board=<id>) or one's own
// submission (?submission=<id>) to make a new revision of it.

import { apiGet, apiSend } from "../lib/api.js";
import { buildDefinition, exportIndex } from "./definition.js";
import { importCatalogBoard, importDefinition } from "./import.js";
import { render } from "./render.js";
import { errorBody, showServerErrors } from "./server.js";
import { root, state } from "./state.js";
import { $, h, plural } from "./util.js";

// The local picture as a file: the one chosen in this page, else the copy kept in localStorage
// (a data: URL, decoded here: the site's Content-Security-Policy lets no script fetch data: URLs).
function localPicture() {
  const background = state.background;
  if (!background || background.kind !== "local") return null;
  const name = background.name || "board-picture";
  if (state.backgroundFile) return { blob: state.backgroundFile, name };
  const match = /^data:([^;,]*);base64,(.*)$/.exec(background.url || "");
  if (!match) return null;
  const bytes = Uint8Array.from(atob(match[2]), (c) => c.charCodeAt(0));
  return { blob: new Blob([bytes], { type: match[1] || background.contentType || "" }), name };
}

export async function submitForReview() {
  const status = $("#submit-status");
  const definition = buildDefinition();
  const index = exportIndex();
  const form = new FormData();
  form.append("definition", JSON.stringify(definition));
  const picture = localPicture();
  if (state.background && state.background.kind === "local" && !picture) {
    status.textContent = "Choose the board picture again: this page no longer has its file.";
    status.className = "validation-status bad";
    return;
  }
  if (picture) form.append("picture", picture.blob, picture.name);
  status.textContent = "Submitting…";
  status.className = "validation-status";
  const answer = await apiSend("POST", root.dataset.submissionsUrl, {
    body: form,
    controlToken: false,
    csrf: root.dataset.csrfToken,
  });
  if (!answer.ok) {
    const body = errorBody(answer);
    showServerErrors(body.errors, index);
    state.lastCheck = { definition, valid: false, docJson: JSON.stringify(state.doc) };
    const problems = body.errors.length ? ` (${plural(body.errors.length, "problem")}, shown on the shapes and below)` : "";
    status.textContent = `Not submitted: ${body.detail || answer.error}${problems}`;
    status.className = "validation-status bad";
    render({ rebuild: false });
    return;
  }
  const submission = answer.data;
  state.serverErrors = [];
  render({ rebuild: false });
  const revision = submission.revisions && submission.revisions[0];
  status.replaceChildren(
    `Submitted for review: ${submission.board_id}, revision ${revision ? revision.number : 1} (${submission.state}). `,
    h("a", { href: "/submissions", text: "My submissions", "data-testid": "my-submissions-link" })
  );
  status.className = "validation-status good";
  status.dataset.submission = String(submission.id);
}

async function openSubmission(id) {
  const status = $("#import-status");
  status.textContent = `Loading your submission ${id}…`;
  const answer = await apiGet(`${root.dataset.submissionsUrl}${encodeURIComponent(id)}/`, null, { controlToken: false });
  if (!answer.ok || !answer.data || typeof answer.data !== "object") {
    status.textContent = `Could not load submission ${id}: ${answer.error || `HTTP ${answer.status}`}.`;
    return;
  }
  const submission = answer.data;
  if (importDefinition(submission.definition, `your submission (revision ${submission.revisions[0]?.number ?? "?"})`)) {
    // Its picture may still wait for a moderator: the submission's own link shows it.
    if (state.background && submission.picture_url) {
      Object.assign(state.background, { url: submission.picture_url, missing: false, note: "" });
      render({ rebuild: false });
    }
  }
}

// ?board=<catalog id> or ?submission=<id>: start from that board (for a new revision).
export function openFromAddress() {
  const params = new URLSearchParams(window.location.search);
  if (params.get("submission")) return openSubmission(params.get("submission"));
  if (params.get("board")) return importCatalogBoard(params.get("board"));
  return null;
}
