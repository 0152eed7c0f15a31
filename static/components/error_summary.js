/* The error summary of a form that failed (templates/components/error_summary.html):
   move the focus to it so a screen reader reads it and a keyboard user starts there;
   its links then move the focus to the field each error is about. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary-focus]");
  if (summary && !summary.hasAttribute("data-focused")) {
    summary.setAttribute("data-focused", "");
    summary.focus();
  }
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    if (link.hasAttribute("data-linked")) { return; }
    link.setAttribute("data-linked", "");
    link.addEventListener("click", function (event) {
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) { return; }
      // A group (checkboxes, radios, a picker) gets its first control focused.
      var control = target.matches("input, select, textarea, button") ? target : target.querySelector("input, select, textarea, button");
      if (!control) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + control.id + "']");
      (label || control).scrollIntoView({ block: "center" });
      control.focus({ preventScroll: true });
    });
  });
})();
