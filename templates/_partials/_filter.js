/* tracker: filter and search the rows of a table. Plain JavaScript, no network; without it every row shows. */
(function () {
  "use strict";
  var JUDGED = ["met", "partly", "missed"];
  function pct(a, b) { return b ? (100 * a / b).toFixed(1) + "%" : "—"; }
  // the summary band of a filtered table counts only the rows shown: goals, judged, coverage, share met
  function summarize(band, rows) {
    var n = {}, goals = 0, judged = 0;
    Array.prototype.forEach.call(rows, function (tr) {
      if (tr.hidden || tr.classList.contains("aux")) { return; }
      (tr.getAttribute("data-counts") || "").split(",").forEach(function (kv) {
        var p = kv.split(":");
        if (p.length !== 2) { return; }
        var k = Number(p[1]);
        n[p[0]] = (n[p[0]] || 0) + k;
        goals += k;
        if (JUDGED.indexOf(p[0]) >= 0) { judged += k; }
      });
    });
    var met = n.met || 0;
    var set = function (k, v) { var el = band.querySelector('[data-k="' + k + '"]'); if (el) { el.textContent = v; } };
    set("goals", String(goals));
    set("judged", String(judged));
    set("coverage", pct(judged, goals));
    set("share", pct(met, judged));
    set("rests", "达成率基于 " + judged + " / " + goals + " 项目标 · the share rests on " + judged + " of " + goals + " goals");
    Array.prototype.forEach.call(band.querySelectorAll("li[data-status]"), function (li) {
      var c = n[li.getAttribute("data-status")] || 0;
      li.querySelector("strong").textContent = String(c);
      li.hidden = c === 0;
    });
    Array.prototype.forEach.call(band.querySelectorAll(".bar span"), function (sp) {
      sp.style.width = goals ? (100 * (n[sp.className] || 0) / goals) + "%" : "0";
    });
  }
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
      var band = document.querySelector('section.summary[data-for="' + table.id + '"]');
      if (band) { summarize(band, rows); }
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  });
})();
