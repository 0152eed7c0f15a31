/* A panel member's score of one presentation, on a phone with a weak connection
   (review/defence_score.html). Submitting keeps the score in localStorage first, then
   posts it; when the post cannot reach the server the score stays on the phone and is
   posted again when the connection returns (the "online" event, and every few seconds).
   The post carries the page's client token, so the server stores a score sent twice once.
   Also shows the live weighted total, with the server's formula. No inline script (CSP). */
(function () {
  "use strict";
  var PREFIX = "defence-score:";
  var status = document.getElementById("defence-status");
  var form = document.getElementById("defence-score-form");

  function say(kind) {
    if (!status) { return; }
    status.textContent = status.getAttribute("data-" + kind + "-text") || "";
    status.setAttribute("data-state", kind);
  }

  function pending() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i += 1) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
    }
    return keys;
  }

  var sending = {};

  function send(key) {
    if (sending[key]) { return; }
    var item;
    try { item = JSON.parse(window.localStorage.getItem(key)); } catch (e) { item = null; }
    if (!item || !item.url || !item.body) { window.localStorage.removeItem(key); return; }
    sending[key] = true;
    var mine = form && form.getAttribute("data-storage-key") === key;
    if (mine) { say("sending"); }
    window.fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Content-Type": "application/x-www-form-urlencoded" },
      body: item.body
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      sending[key] = false;
      // The server answered: stored, or refused for good (a refusal is not retried).
      window.localStorage.removeItem(key);
      if (!mine) { return; }
      if (result.ok) {
        say(result.data.late ? "late" : "sent");
        form.querySelectorAll("input, button").forEach(function (el) { el.disabled = true; });
        form.setAttribute("data-sent", "yes");
      } else {
        status.textContent = (result.data.errors || []).join(" ");
        status.setAttribute("data-state", "refused");
      }
    }).catch(function () {
      sending[key] = false;
      if (mine) { say("pending"); }
    });
  }

  function flush() { pending().forEach(send); }

  if (form) {
    var total = document.getElementById("defence-total");
    var update = function () {
      var sum = 0;
      var weights = 0;
      form.querySelectorAll("fieldset[data-weight]").forEach(function (fieldset) {
        var weight = parseFloat(fieldset.getAttribute("data-weight"));
        var max = parseFloat(fieldset.getAttribute("data-max"));
        weights += weight;
        var checked = fieldset.querySelector("input:checked");
        if (checked) { sum += (parseInt(checked.value, 10) / max) * weight; }
      });
      if (total) { total.textContent = weights > 0 ? (Math.round(1000 * sum / weights) / 10).toFixed(1) : "—"; }
    };
    form.addEventListener("change", update);
    update();

    var key = form.getAttribute("data-storage-key");
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key)); } catch (e) { saved = null; }
    if (saved && saved.body) {
      // A score typed here earlier and not yet sent: show it, and keep its token.
      new URLSearchParams(saved.body).forEach(function (value, name) {
        var input = form.querySelector('input[type=radio][name="' + name + '"][value="' + value + '"]');
        if (input) { input.checked = true; }
      });
      update();
      say("pending");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new URLSearchParams(new FormData(form)).toString();
      if (saved && saved.body) {
        // Resubmitting what is pending keeps the first token: the server stores it once.
        var token = new URLSearchParams(saved.body).get("client_token");
        var params = new URLSearchParams(body);
        params.set("client_token", token);
        body = params.toString();
      }
      saved = { url: form.getAttribute("action") || window.location.pathname, body: body, at: Date.now() };
      window.localStorage.setItem(key, JSON.stringify(saved));
      send(key);
    });
  }

  window.addEventListener("online", flush);
  window.setInterval(function () { if (pending().length) { flush(); } }, 4000);
  flush();
})();
