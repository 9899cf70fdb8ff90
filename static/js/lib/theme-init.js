// Applies the saved colour theme to <html> before the first paint (loaded as a classic,
// blocking script in <head> by base.html). theme.js does the same and binds the toggle.
(function () {
  "use strict";
  var theme = "system";
  try {
    theme = window.localStorage.getItem("klipperiwc.theme") || "system";
  } catch (error) {
    // Storage refused (privacy mode): follow the system.
  }
  if (theme !== "light" && theme !== "dark") theme = "system";
  document.documentElement.setAttribute("data-theme", theme);
})();
