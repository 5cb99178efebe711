// The history page's burndown chart (uPlot). The numbers come from the element's data-burndown attribute, written
// by the server; the page's table and the figure's aria-label carry the same data for anyone who does not see the
// chart. Colours are read from the stylesheet's variables, and the chart is drawn again when the system switches
// between light and dark. No inline script (Content-Security-Policy).
(function () {
  "use strict";
  var charts = [];

  function color(el, name) { return getComputedStyle(el).getPropertyValue(name).trim() || "#888"; }

  function draw(el) {
    var d = JSON.parse(el.getAttribute("data-burndown"));
    el.textContent = "";
    var fg = color(el, "--fg"), line = color(el, "--line");
    var done = color(el, "--completed"), left = color(el, "--running");
    var axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    var counts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
    var opts = {
      width: Math.max(el.clientWidth, 300),
      height: 280,
      // The table and the API speak UTC; so does the chart, whatever the browser's zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      scales: { x: { time: true }, done: {}, left: {} },
      series: [
        {},
        { label: d.bucket === "hour" ? "Completed per hour" : "Completed per day", scale: "done", stroke: done,
          fill: done + "55", width: 1, paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } },
        { label: "Remaining", scale: "left", stroke: left, width: 2, points: { show: false } }
      ],
      axes: [
        Object.assign({}, axis),
        Object.assign({ scale: "done", label: "completed", incrs: counts }, axis),
        Object.assign({}, axis, { scale: "left", side: 1, label: "remaining", incrs: counts, grid: { show: false } })
      ]
    };
    return new uPlot(opts, [d.t, d.completed, d.remaining], el);
  }

  function drawAll() {
    charts.forEach(function (c) { c.destroy(); });
    charts = Array.prototype.map.call(document.querySelectorAll("[data-burndown]"), draw);
  }

  function start() {
    if (typeof uPlot === "undefined") { return; } // the table below the chart still shows the numbers
    drawAll();
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", drawAll);
    var resizing;
    window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(drawAll, 150); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
