/* bubblewatch dashboard: draws the Plotly figures, exports tables as CSV, refreshes panels
   that are still computing, filters the claims table. No request leaves the app's host. */
(function () {
  "use strict";

  function drawFigures(root) {
    if (typeof Plotly === "undefined") { return; }
    root.querySelectorAll("script[data-figure]").forEach(function (s) {
      var div = document.getElementById(s.getAttribute("data-figure"));
      if (!div || div.getAttribute("data-drawn")) { return; }
      var fig = JSON.parse(s.textContent);
      div.setAttribute("data-drawn", "1");
      var layout = fig.layout || {};
      layout.autosize = true;
      Plotly.newPlot(div, fig.data || [], layout, {
        displaylogo: false,
        responsive: true,
        toImageButtonOptions: { format: "png", filename: div.getAttribute("data-png") || div.id, scale: 2 }
      });
    });
  }

  function csvCell(v) {
    if (/[",\n\r]/.test(v)) { return '"' + v.replace(/"/g, '""') + '"'; }
    return v;
  }

  function tableCsv(table) {
    var lines = [];
    var head = [];
    table.querySelectorAll("thead th").forEach(function (th) { head.push(csvCell(th.textContent.trim())); });
    lines.push(head.join(","));
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      if (tr.hidden || tr.style.display === "none") { return; }
      var cells = [];
      tr.querySelectorAll("td").forEach(function (td) {
        var v = td.hasAttribute("data-v") ? td.getAttribute("data-v") : td.textContent.trim();
        cells.push(csvCell(v));
      });
      if (cells.length === head.length) { lines.push(cells.join(",")); }
    });
    return lines.join("\n") + "\n";
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.csv") : null;
    if (!b) { return; }
    var table = document.getElementById(b.getAttribute("data-csv"));
    if (!table) { return; }
    var blob = new Blob([tableCsv(table)], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = b.getAttribute("data-csv") + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  function scheduleRefresh(root) {
    if (typeof htmx === "undefined") { return; }
    root.querySelectorAll("[data-refresh]").forEach(function (el) {
      if (el.getAttribute("data-scheduled")) { return; }
      el.setAttribute("data-scheduled", "1");
      var id = el.getAttribute("data-refresh");
      setTimeout(function () {
        if (!document.getElementById(id)) { return; }
        htmx.ajax("GET", window.location.pathname + window.location.search,
                  { target: "#" + id, select: "#" + id, swap: "outerHTML" });
      }, 2500);
    });
  }

  function filterTable(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) { return; }
    var form = input.form;
    var words = (form.querySelector("[name=q]") || { value: "" }).value.toLowerCase().trim();
    var verdict = (form.querySelector("[name=verdict]") || { value: "" }).value;
    var shown = 0;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var ok = (!words || tr.textContent.toLowerCase().indexOf(words) >= 0) &&
               (!verdict || tr.getAttribute("data-verdict") === verdict);
      tr.style.display = ok ? "" : "none";
      if (ok) { shown += 1; }
    });
    var count = document.getElementById(input.getAttribute("data-filter-table") + "-count");
    if (count) { count.textContent = String(shown); }
  }

  document.addEventListener("input", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-filter-table")) { filterTable(e.target); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-filter-table")) { filterTable(e.target); }
  });

  function init(root) {
    drawFigures(root);
    scheduleRefresh(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    document.body.addEventListener("htmx:afterSettle", function (e) { init(document); });
  });
})();
