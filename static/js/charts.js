// Charts: every <canvas data-chart="ID"> is drawn by Chart.js (static/vendor/chartjs) from the Chart.js config
// in the JSON data block with that id (Django's json_script: <script type="application/json">, never run). No
// inline code, so the strict CSP holds. Drawn on load and again in content htmx swaps in. A drawn canvas gets
// data-drawn="1" (browser tests wait for it); the page's table beside each chart carries the same figures.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(root) {
    if (!window.Chart) return;
    window.Chart.defaults.color = cssVar("--muted", "#9aa3b2");
    window.Chart.defaults.borderColor = cssVar("--border", "#2c313c");
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      const config = JSON.parse(source.textContent);
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
      new window.Chart(canvas, config);
      canvas.dataset.drawn = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
