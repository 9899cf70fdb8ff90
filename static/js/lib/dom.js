// h(tag, attrs, ...children): build an element. Every value goes in as text (textContent or
// attribute values), never as HTML.
//   attrs.class   "a b" or ["a", cond && "b"]
//   attrs.text    the element's textContent
//   attrs.dataset {key: value}  -> data-key
//   attrs.style   {prop: value}, or a string of declarations (set through the CSSOM, which the
//                 site's Content-Security-Policy allows; a style attribute in markup it refuses)
//   attrs.props   {name: value}  set as DOM properties (value, checked, ...)
//   attrs.onclick / onChange / ... : listeners (the name after "on", lower-cased)
//   any other: an attribute (true -> present and empty; false, null, undefined -> absent)
// Children: nodes, strings and numbers (as text), arrays of them; null / false are skipped.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class" || name === "className") {
        const names = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
        if (names) element.setAttribute("class", names);
      } else if (name === "text") {
        element.textContent = String(value);
      } else if (name === "dataset") {
        for (const [key, item] of Object.entries(value)) {
          if (item !== undefined && item !== null) element.dataset[key] = String(item);
        }
      } else if (name === "style" && typeof value === "object") {
        Object.assign(element.style, value);
      } else if (name === "style") {
        element.style.cssText = String(value);
      } else if (name === "props") {
        Object.assign(element, value);
      } else if (name.length > 2 && name.startsWith("on") && typeof value === "function") {
        element.addEventListener(name.slice(2).toLowerCase(), value);
      } else {
        element.setAttribute(name, value === true ? "" : String(value));
      }
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.append(child);
    else element.append(document.createTextNode(String(child)));
  }
}

export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements (charts, icons). */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Set an element's text only when it changed (a write the browser would otherwise redo). */
export function setText(element, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (element.textContent !== value) element.textContent = value;
}

/** Replace an element's children (text only through h / strings). */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}
