"""What the cross-page layout tests measure in the page: overflow, colours, screenshots.

Every measure runs in Chromium on the page as laid out (no guesses from the CSS).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import PROJECT_ROOT

WIDTHS = (375, 768, 1920)
HEIGHTS = {375: 812, 768: 1024, 1920: 1080}
SCREENSHOTS = Path(os.environ.get("KLIPPERIWC_SCREENSHOT_DIR") or PROJECT_ROOT / "test-artifacts" / "screenshots")
TAKEN: list[Path] = []  # this run's screenshots, named at the end of the run (conftest.py)

# The page's horizontal overflow: the document wider than the window, and every element
# that reaches past the window's left or right edge (or scrolls sideways inside its own
# box) unless an ancestor clips it (overflow hidden/clip). Hidden elements, those of no
# width, visually-hidden ones (clipped to a pixel) and parts of an SVG drawing are left out.
OVERFLOW = r"""
() => {
  const width = window.innerWidth;
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const classes = typeof el.className === 'string' ? el.className.trim() : '';
    if (classes) text += '.' + classes.split(/\s+/).join('.');
    for (const name of ['data-testid', 'data-printer', 'data-field']) {
      if (el.hasAttribute(name)) text += `[${name}=${el.getAttribute(name)}]`;
    }
    return text;
  };
  const path = (el) => {
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 4; node = node.parentElement) {
      parts.unshift(describe(node));
    }
    return parts.join(' > ');
  };
  const clipped = (el) => {
    // Clipping by body or html does not count: it hides what does not fit instead of fitting it.
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(hidden|clip)/.test(style.overflowX)) return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const scrollsSideways = el.scrollWidth > el.clientWidth + 1 && /(auto|scroll)/.test(style.overflowX)
      && el.clientWidth > 0;
    const outside = box.right > width + 1 || box.left < -1;
    if ((outside && !clipped(el)) || scrollsSideways) {
      offenders.push({
        element: path(el),
        left: Math.round(box.left), right: Math.round(box.right), width: Math.round(box.width),
        scrollsSideways, text: (el.textContent || '').trim().slice(0, 60),
      });
    }
  }
  // The outermost offenders name the problem; their children follow them out.
  const outermost = offenders.filter((o) => !offenders.some((p) => p !== o && o.element.startsWith(p.element + ' > ')));
  return {
    innerWidth: width,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    offenders: outermost.slice(0, 12),
    count: offenders.length,
  };
}
"""

# Colours as the page computes them: the body's background (the html element's when the
# body's is transparent) and text colour, as [r, g, b].
COLOURS = r"""
() => {
  const rgb = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { rgb: parts.slice(0, 3), alpha: parts.length > 3 ? parts[3] : 1 };
  };
  const body = getComputedStyle(document.body);
  let background = rgb(body.backgroundColor);
  if (!background || background.alpha === 0) {
    background = rgb(getComputedStyle(document.documentElement).backgroundColor);
  }
  return {
    theme: document.documentElement.getAttribute('data-theme'),
    background: background && background.alpha > 0 ? background.rgb : null,
    text: rgb(body.color).rgb,
  };
}
"""

# Elements that keep a light, opaque background in the dark theme (bigger than a swatch):
# the places where a page's own CSS ignores the theme.
LIGHT_BOXES = r"""
(limit) => {
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const found = [];
  for (const el of document.querySelectorAll('body, body *')) {
    if (el.closest('svg, canvas, img, video, picture')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const m = style.backgroundColor.match(/rgba?\(([^)]+)\)/);
    if (!m) continue;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    if (parts.length > 3 && parts[3] < 0.5) continue;
    const box = el.getBoundingClientRect();
    if (box.width * box.height < 24 * 24) continue;
    if (luminance(parts) > limit) {
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      if (classes) name += '.' + classes.split(/\s+/).join('.');
      found.push(`${name} ${style.backgroundColor}`);
    }
  }
  return found.slice(0, 12);
}
"""


def luminance(rgb: list[float]) -> float:
    """Relative luminance (WCAG) of an sRGB colour, 0 (black) .. 1 (white)."""

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# Cards skipped by content-visibility: auto (off-screen) are laid out as they will be once
# scrolled to, so the measure sees every one of them, not just those on the screen.
RENDER_ALL = "* { content-visibility: visible !important; }"


# A constructed stylesheet, not a <style> element: the pages' Content-Security-Policy refuses
# inline style elements (style-src 'self'), while the CSSOM stays open to scripts.
WITH_RENDER_ALL = """(measure) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(%s);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    try { return (%s)(); } finally {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((other) => other !== sheet);
    }
}"""


def assert_no_horizontal_overflow(page, where: str) -> None:
    measured = page.evaluate(WITH_RENDER_ALL % (json.dumps(RENDER_ALL), OVERFLOW.strip()))
    problems = []
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(
            f"the document is {measured['scrollWidth']} px wide in a {measured['innerWidth']} px window"
            " (it scrolls sideways)"
        )
    if measured["offenders"]:
        lines = "\n  ".join(
            f"{o['element']}: left {o['left']}, right {o['right']}, width {o['width']}"
            + (" (scrolls sideways inside)" if o["scrollsSideways"] else "")
            + (f" {o['text']!r}" if o["text"] else "")
            for o in measured["offenders"]
        )
        problems.append(f"{measured['count']} element(s) reach past the window or scroll sideways:\n  {lines}")
    assert not problems, f"{where}: " + "\n".join(problems)


def screenshot(page, name: str) -> Path:
    """A full-page PNG under SCREENSHOTS (test-artifacts/screenshots/ or $KLIPPERIWC_SCREENSHOT_DIR)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    TAKEN.append(path)
    return path
