// Colour theme: "system" (follows prefers-color-scheme), "light" or "dark", kept in
// localStorage (klipperiwc.theme) and applied as data-theme on <html>. base.html loads
// theme-init.js first so the saved theme is there before the first paint.
export const THEME_KEY = "klipperiwc.theme";
export const THEMES = ["system", "light", "dark"];
const LABELS = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

export function savedTheme() {
  try {
    const value = window.localStorage.getItem(THEME_KEY);
    return THEMES.includes(value) ? value : "system";
  } catch {
    return "system";
  }
}

/** The theme in effect: "light" or "dark" (resolving "system"). */
export function effectiveTheme() {
  const theme = document.documentElement.getAttribute("data-theme") || "system";
  if (theme === "light" || theme === "dark") return theme;
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

const listeners = new Set();

/** fn(theme, effective) after every change; returns a function that removes it. */
export function onThemeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function applyTheme(theme) {
  const value = THEMES.includes(theme) ? theme : "system";
  document.documentElement.setAttribute("data-theme", value);
  try {
    if (value === "system") window.localStorage.removeItem(THEME_KEY);
    else window.localStorage.setItem(THEME_KEY, value);
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
  for (const fn of listeners) fn(value, effectiveTheme());
  return value;
}

/** Make ``button`` cycle system -> light -> dark; its text and data-theme-state show the choice. */
export function bindThemeToggle(button) {
  if (!button || button.dataset.themeBound) return;
  button.dataset.themeBound = "1";
  const show = (theme) => {
    button.textContent = LABELS[theme];
    button.dataset.themeState = theme;
    button.setAttribute("aria-label", `${LABELS[theme]} (click to change)`);
  };
  show(savedTheme());
  button.addEventListener("click", () => {
    const next = THEMES[(THEMES.indexOf(savedTheme()) + 1) % THEMES.length];
    show(applyTheme(next));
  });
  onThemeChange((theme) => show(theme));
}

document.documentElement.setAttribute("data-theme", savedTheme());
if (window.matchMedia) {
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if (savedTheme() === "system") for (const fn of listeners) fn("system", effectiveTheme());
  });
}
document.querySelectorAll("[data-theme-toggle]").forEach(bindThemeToggle);
