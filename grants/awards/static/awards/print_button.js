// A "Print" button on printable pages: a separate file, as the Content-Security-Policy allows no inline handler.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
