/* The budget step's live total (grants/partials/budget_summary.html): sums the budget
   lines (and the administration ones) as the applicant types and sets them against the
   call's caps. Display only: the server computes the same figures on every page it
   renders and checks them when the application is submitted. */
(function () {
  "use strict";
  var box = document.querySelector("[data-budget-summary]");
  var form = document.querySelector("form.application-form");
  if (!box || !form) { return; }
  var symbols = { CNY: "¥", USD: "$", EUR: "€", GBP: "£" };
  var currency = box.getAttribute("data-currency") || "CNY";
  var symbol = symbols[currency] || currency + " ";
  var maximum = cents(box.getAttribute("data-maximum"));
  var adminPercent = parseFloat(box.getAttribute("data-admin-cap-percent")) || 0;
  var cofundingPercent = parseFloat(box.getAttribute("data-min-cofunding-percent")) || 0;

  // Money in whole cents, so sums do not drift; null when not a number.
  function cents(text) {
    var value = String(text || "").replace(/,/g, "").trim();
    if (!/^-?\d+(\.\d*)?$|^-?\.\d+$/.test(value)) { return null; }
    return Math.round(parseFloat(value) * 100);
  }
  // Like the server's format_money: ¥150,000.00
  function money(amount) {
    var negative = amount < 0;
    var whole = String(Math.floor(Math.abs(amount) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var part = String(Math.abs(amount) % 100);
    return (negative ? "-" : "") + symbol + whole + "." + (part.length < 2 ? "0" + part : part);
  }
  // Half up, as Decimal.quantize(ROUND_HALF_UP) on the server.
  function share(amount, percent) { return Math.round(amount * percent / 100); }

  function show(name, value) {
    var node = box.querySelector("[data-sum='" + name + "']");
    if (node) { node.textContent = money(value); }
  }
  function flag(name, on) {
    var node = box.querySelector("[data-flag='" + name + "']");
    if (node) { node.hidden = !on; }
  }

  function update() {
    var requested = 0;
    var administration = 0;
    form.querySelectorAll("[data-formset='budget'] .formset-rows .formset-row").forEach(function (row) {
      var remove = row.querySelector("input[name$='-DELETE']");
      var amount = row.querySelector("input[name$='-amount']");
      var kind = row.querySelector("select[name$='-kind']");
      if ((remove && remove.checked) || !amount) { return; }
      var value = cents(amount.value);
      if (value === null || value <= 0) { return; }  // the form refuses these: left out, as on the server
      requested += value;
      if (kind && kind.value === "administration") { administration += value; }
    });
    var cofundingInput = form.querySelector("input[name='cofunding_amount']");
    var cofunding = cofundingInput ? (cents(cofundingInput.value) || 0) : 0;
    var adminCap = share(requested, adminPercent);
    var cofundingMinimum = share(requested, cofundingPercent);
    show("requested", requested);
    show("administration", administration);
    show("administration_cap", adminCap);
    show("cofunding", cofunding);
    show("cofunding_minimum", cofundingMinimum);
    flag("over_maximum", maximum !== null && requested > maximum);
    flag("over_administration_cap", administration > adminCap);
    flag("cofunding_short", cofunding < cofundingMinimum);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
