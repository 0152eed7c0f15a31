/* The scoring page's weighted total (review/review_form.html): recomputed as the reviewer
   types, with the server's formula (grants.review.scoring.weighted_total): each score as a
   share of its maximum, weighted, on 0–100; a criterion not scored yet counts 0. Display
   only: the page shows the server's total whenever it is rendered. */
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  var output = document.getElementById("weighted-total");
  if (!form || !output) { return; }
  var inputs = form.querySelectorAll("input[data-weight][data-max]");

  function update() {
    var sum = 0;
    var weights = 0;
    var valid = true;
    inputs.forEach(function (input) {
      var weight = parseFloat(input.getAttribute("data-weight"));
      var max = parseFloat(input.getAttribute("data-max"));
      weights += weight;
      var text = input.value.trim();
      if (text === "") { return; }
      if (!/^\d+$/.test(text) || parseInt(text, 10) > max) { valid = false; return; }
      sum += (parseInt(text, 10) / max) * weight;
    });
    output.textContent = valid && weights > 0 ? (Math.round((100 * sum / weights) * 10) / 10).toFixed(1) : "—";
  }

  form.addEventListener("input", update);
  update();
})();
