// The session page's presentation timer: minutes and seconds since the presenter started,
// marked once the slot's time is up. No inline script (CSP).
(function () {
  "use strict";
  var output = document.getElementById("defence-timer");
  if (!output) return;
  var started = parseInt(output.getAttribute("data-started"), 10) * 1000;
  var limit = parseInt(output.getAttribute("data-minutes"), 10) * 60;
  if (!started) return;
  function tick() {
    var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    var text = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    output.textContent = text;
    output.classList.toggle("defence-timer--over", seconds > limit);
  }
  tick();
  window.setInterval(tick, 1000);
})();
