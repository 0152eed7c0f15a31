/* Counts down to each [data-countdown] deadline. Without JavaScript the server-rendered
   "N days left" text stays, so nothing depends on this file. */
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-countdown]");
  if (!nodes.length) { return; }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function render() {
    var now = Date.now();
    nodes.forEach(function (node) {
      var end = Date.parse(node.getAttribute("data-countdown"));
      if (isNaN(end)) { return; }
      var left = Math.max(0, Math.floor((end - now) / 1000));
      if (left === 0) { node.textContent = node.getAttribute("data-label-closed"); return; }
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      var text = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
      node.textContent = (days ? days + " " + node.getAttribute("data-label-days") + " " : "") + text;
    });
  }
  render();
  window.setInterval(render, 1000);
})();
