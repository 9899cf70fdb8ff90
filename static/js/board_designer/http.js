// The designer's requests, through the site's API module (static/js/lib/api.js). The board
// and board-asset endpoints are public: no token goes along.

import { apiGet, apiSend } from "../lib/api.js";

// GET a JSON document; throws an Error naming the failure ("HTTP 503", or that the server
// could not be reached).
export async function getJson(url) {
  const result = await apiGet(url, null, { controlToken: false });
  if (!result.ok) throw new Error(result.status ? `HTTP ${result.status}` : result.error);
  if (!result.data || typeof result.data !== "object") throw new Error("the answer is not JSON");
  return result.data;
}

// {ok, status, data, error} of GET url (for callers that tell a missing thing from a network failure).
export function get(url) {
  return apiGet(url, null, { controlToken: false });
}

// POST a definition: {ok, status, data (the JSON verdict or the text/plain config), error}.
export function postDefinition(url, definition) {
  return apiSend("POST", url, { json: definition, controlToken: false });
}
