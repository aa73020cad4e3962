/* tracker: filter and search the rows of a table. Plain JavaScript, no network; without it every row shows. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.filters");
  Array.prototype.forEach.call(forms, function (form) {
    var table = document.getElementById(form.getAttribute("data-for"));
    if (!table) { return; }
    var rows = table.querySelectorAll("tbody tr.row");
    var out = form.querySelector("output");
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.querySelectorAll("select, input"), function (el) {
      var v = params.get(el.name);
      if (v !== null) { el.value = v; }
    });
    function apply() {
      var want = {};
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (s) {
        if (s.value) { want[s.name] = s.value; }
      });
      var q = form.elements.q ? form.elements.q.value.trim().toLowerCase() : "";
      var shown = 0, total = 0;
      Array.prototype.forEach.call(rows, function (tr) {
        var ok = true;
        Object.keys(want).forEach(function (k) {
          if (tr.hasAttribute("data-" + k) && tr.getAttribute("data-" + k) !== want[k]) { ok = false; }
        });
        if (ok && q && tr.textContent.toLowerCase().indexOf(q) < 0) { ok = false; }
        tr.hidden = !ok;
        if (!tr.classList.contains("aux")) { total += 1; if (ok) { shown += 1; } }
      });
      Array.prototype.forEach.call(table.tBodies, function (tb) {
        tb.hidden = !tb.querySelector("tr.row:not([hidden])");
      });
      if (out) { out.textContent = "显示 " + shown + " / " + total + " · showing " + shown + " of " + total; }
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  });
})();
