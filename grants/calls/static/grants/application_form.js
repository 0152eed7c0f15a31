/* The application form: "add a row" buttons for the formsets, and autosave.

   Autosave posts the form (without files) a few seconds after the applicant stops
   typing. The server answers 409 when the draft changed elsewhere (another tab):
   autosave then stops and the page says so, keeping everything typed on the page.
   Without JavaScript the "Save draft" button does the same job. */
(function () {
  "use strict";
  var form = document.querySelector("form.application-form");
  if (!form) { return; }

  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var button = box.querySelector("[data-add-row]");
    var template = box.querySelector("template");
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var rows = box.querySelector(".formset-rows");
    if (!button || !template || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      // A table's rows parse only inside a table body.
      var holder = document.createElement(rows.tagName === "TBODY" ? "tbody" : "div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      row.querySelectorAll("[data-row-number]").forEach(function (number) { number.textContent = String(index + 1); });
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });

  // The service-item list shows only the chosen category's items; choosing an item
  // first fills in its category. Without JavaScript the server refuses a mismatch.
  var category = form.querySelector("select[name='category']");
  var item = form.querySelector("select[name='service_item']");
  function narrowItems() {
    var chosen = category.value;
    Array.prototype.forEach.call(item.options, function (option) {
      var belongs = !option.value || !chosen || option.getAttribute("data-category") === chosen;
      option.hidden = !belongs;
      option.disabled = !belongs;
    });
    if (item.selectedIndex > 0 && item.options[item.selectedIndex].disabled) { item.value = ""; }
  }
  if (category && item) {
    category.addEventListener("change", narrowItems);
    item.addEventListener("change", function () {
      var option = item.options[item.selectedIndex];
      if (!category.value && option && option.getAttribute("data-category")) {
        category.value = option.getAttribute("data-category");
        narrowItems();
      }
    });
    narrowItems();
  }

  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name='version']");
  if (!url || !version || form.querySelector("input[name='latest_version']")) { return; }
  var timer = null;
  var stopped = false;
  var dirty = false;
  var inflight = null;  // the background save on its way, if any

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    if (stopped || !dirty) { return; }
    dirty = false;
    var data = new FormData(form);
    form.querySelectorAll("input[type='file']").forEach(function (input) { data.delete(input.name); });
    data.delete("remove_attachments");
    inflight = fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json().then(function (body) { return { status: response.status, body: body }; }); })
      .then(function (result) {
        if (result.body.ok) {
          version.value = String(result.body.version);
          say(result.body.message);
          return;
        }
        if (result.body.stale) {
          stopped = true;
          var latest = document.createElement("input");
          latest.type = "hidden"; latest.name = "latest_version"; latest.value = String(result.body.latest_version);
          form.appendChild(latest);
        }
        say(result.body.message);
      })
      .catch(function () { dirty = true; say(status ? status.getAttribute("data-offline") || "" : ""); })
      .then(function () { inflight = null; });
  }

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 3000);
  }
  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "file") { return; }
    changed();
  });
  // An area picker writes a choice (or a removal) into its hidden select and says so
  // with a change event only.
  form.addEventListener("change", function (event) {
    if (event.target && event.target.tagName === "SELECT") { changed(); }
  });
  form.addEventListener("submit", function (event) {
    stopped = true;
    window.clearTimeout(timer);
    if (inflight) {
      // A background save is on its way: posting now would carry the version it is
      // about to replace, and the applicant would be told their own draft changed
      // elsewhere. Send the form once that save has answered, with the new version.
      event.preventDefault();
      var submitter = event.submitter;
      inflight.then(function () {
        if (submitter && form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    }
  });
})();
