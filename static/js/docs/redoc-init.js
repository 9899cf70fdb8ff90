// Starts Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html) without an inline script.
//
// Loaded before Redoc's bundle, with the page's CSP nonce. Redoc styles itself with <style>
// elements it creates from script: styled-components', which get the nonce Redoc is given,
// and those its bundled CSS loader inserts as soon as the bundle runs (perfect-scrollbar's),
// which Redoc gives no nonce. So every <style> element a script of this page creates gets the
// nonce; styles in markup (an injected <style> or style attribute) stay refused
// (klipperiwc_site/api_docs.py).
(function () {
  "use strict";
  var nonce = document.currentScript.nonce;
  var createElement = document.createElement;
  document.createElement = function (name) {
    var element = createElement.apply(this, arguments);
    if (String(name).toLowerCase() === "style") element.nonce = nonce;
    return element;
  };
  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("redoc-container");
    window.Redoc.init(container.dataset.schemaUrl, { nonce: nonce }, container);
  });
})();
