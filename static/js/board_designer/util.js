// Small helpers; h() and svg() put text in the page through textContent and attributes only.


export const $ = (selector, scope = document) => scope.querySelector(selector);
export const $$ = (selector, scope = document) => Array.from(scope.querySelectorAll(selector));
export const clone = (value) => JSON.parse(JSON.stringify(value));
export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
let uidCounter = 0;
export const newUid = (prefix) => `${prefix}${Date.now().toString(36)}${(uidCounter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child)); // strings become text nodes
  }
  return element;
}

export function svg(tag, attrs = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  setAttrs(element, attrs);
  return element;
}

function setAttrs(element, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") element.textContent = value;
    else if (name === "value") element.value = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

export function selectElement(options, value, attrs) {
  const select = h("select", attrs);
  const values = options.includes(value) || value === "" ? options : [...options, value];
  for (const option of values) select.append(h("option", { value: option, text: option }));
  select.value = value;
  return select;
}

export function fillSelect(select, options, labels = {}) {
  const current = select.value;
  select.replaceChildren(...options.map((option) => h("option", { value: option, text: labels[option] || option })));
  if (current && options.includes(current)) select.value = current;
}

export function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function slugify(text) {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/[.-]{2,}/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, 80)
    .replace(/[.-]+$/g, "");
}

export function aliasPart(text) {
  return text
    .toUpperCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/g, "");
}
