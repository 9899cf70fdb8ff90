// The canvas and panel elements the modules share.

import { $ } from "./util.js";

export const canvas = $("#canvas");
export const viewport = $("#viewport");
export const imageEl = $("#canvas-image");
export const frame = $("#image-frame");
export const shapesLayer = $("#shapes-layer");
export const draftLayer = $("#draft-layer");
export const handlesLayer = $("#handles-layer");
export const stage = $("#stage");
export const stageHint = $("#stage-hint");
export const inspectorBody = $("#inspector-body");
export const boardForm = $("#board-form");
