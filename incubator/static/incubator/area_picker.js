/* Area pickers (incubator/widgets.py): search as you type over tens of thousands of
   towns and villages, in Chinese, pinyin or by code.

   The page carries a <select> with only the chosen areas. This script hides it behind a
   combobox (WAI-ARIA 1.2 pattern: a text input, a listbox, aria-activedescendant), asks
   the server for at most 20 matches a few moments after the user stops typing, narrowed
   by the field named in data-parent-field (a district's towns, a town's villages), and
   writes the choice back into the select: what the form posts is the same as without
   JavaScript. Changing the parent clears the child, which clears its own child. */
(function () {
  "use strict";

  var DELAY = 250;

  function setup(box) {
    var select = box.querySelector("select");
    if (!select || box.hasAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "");
    var form = select.form;
    var multiple = select.multiple;
    var url = box.getAttribute("data-search-url");
    var levels = (box.getAttribute("data-levels") || "").split(",").filter(Boolean);
    var parentName = box.getAttribute("data-parent-field");
    var baseId = select.id || select.name;

    var input = document.createElement("input");
    input.type = "text";
    input.id = baseId + "_search";
    input.className = "area-picker-input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", baseId + "_listbox");
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    if (select.disabled) { input.disabled = true; }
    select.required = false;  // hidden: the browser could not point at it

    var list = document.createElement("ul");
    list.id = baseId + "_listbox";
    list.className = "area-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    // A mousedown in the list (an option, its scroll bar) would blur the input and close
    // the list before the click lands.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });

    var status = document.createElement("p");
    status.className = "area-picker-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute("aria-label", label.textContent.trim());
    }

    var chips = null;
    if (multiple) {
      chips = document.createElement("ul");
      chips.className = "area-picker-chosen";
      box.insertBefore(chips, select);
    }
    select.hidden = true;
    select.tabIndex = -1;
    box.insertBefore(input, select);
    box.insertBefore(list, select);
    box.insertBefore(status, select);

    var results = [];
    var active = -1;
    var timer = null;
    var sequence = 0;

    function chosenLabel() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.textContent : "";
    }

    function addChip(option) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(option.textContent));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", (box.getAttribute("data-remove-text") || "Remove") + " " + option.textContent);
      remove.addEventListener("click", function () {
        option.selected = false;
        item.remove();
        select.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
      item.appendChild(remove);
      chips.appendChild(item);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(result) {
      var value = String(result.id);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!option) {
        option = new Option(result.label, value);
        select.add(option);
      }
      option.textContent = result.label;
      if (multiple) {
        if (!option.selected) {
          option.selected = true;
          addChip(option);
        }
        input.value = "";
      } else {
        select.value = value;
        input.value = result.label;
      }
      close();
      status.textContent = "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = baseId + "_option_" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", String(result.id));
        item.appendChild(document.createTextNode(result.label));
        var code = document.createElement("span");
        code.className = "area-picker-code";
        code.textContent = result.code;
        item.appendChild(code);
        item.addEventListener("click", function () { choose(result); });
        list.appendChild(item);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = "";
      } else {
        close();
        status.textContent = box.getAttribute("data-empty-text") || "";
      }
    }

    function parentValue() {
      var parent = parentName && form && form.elements.namedItem(parentName);
      return parent ? parent.value : "";
    }

    function search() {
      var q = input.value.trim();
      var parent = parentValue();
      if (!q && !parent) { close(); status.textContent = ""; return; }
      var params = new URLSearchParams();
      params.set("q", q);
      levels.forEach(function (level) { params.append("level", level); });
      if (parent) { params.set("parent", parent); }
      var mine = ++sequence;
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (body) { if (mine === sequence) { show(body.results || []); } })
        .catch(function () {
          if (mine === sequence) { close(); status.textContent = box.getAttribute("data-error-text") || ""; }
        });
    }

    function clear() {
      if (multiple || !select.value) { return; }
      select.value = "";
      input.value = "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (multiple) {
      Array.prototype.forEach.call(select.options, function (option) { if (option.selected) { addChip(option); } });
    } else {
      input.value = chosenLabel();
    }

    input.addEventListener("input", function () {
      if (!multiple && !input.value.trim()) { clear(); }
      sequence += 1;  // an answer still on its way is for text no longer there
      clearTimeout(timer);
      timer = setTimeout(search, DELAY);
    });
    input.addEventListener("focus", function () {
      if (!input.value && parentValue()) { search(); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { search(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(results[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (!multiple) {
          input.value = chosenLabel();
        }
      }
    });
    input.addEventListener("blur", function () {
      close();
      // Typed but not chosen: show what will be saved.
      if (!multiple) { input.value = chosenLabel(); } else { input.value = ""; }
    });

    if (parentName && form) {
      var parent = form.elements.namedItem(parentName);
      if (parent && parent.addEventListener) {
        parent.addEventListener("change", function () {
          // The options listed for the old parent (without JavaScript) no longer apply.
          var had = select.value;
          Array.prototype.slice.call(select.options).forEach(function (option) { if (option.value) { option.remove(); } });
          select.value = "";
          input.value = "";
          // A multiple picker's chosen areas went with their options: their chips go too.
          while (chips && chips.firstChild) { chips.removeChild(chips.firstChild); }
          if (had) { select.dispatchEvent(new Event("change", { bubbles: true })); }
        });
      }
    }
  }

  function start() { document.querySelectorAll("[data-area-picker]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
