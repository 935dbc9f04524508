/*
 * Dashboard charts (templates/reporting/dashboards/partials/chart.html).
 *
 * Each <canvas data-chart-source="ID"> is drawn with Chart.js (vendored under
 * static/vendor/chartjs, no CDN) from the JSON in the <script type="application/json" id="ID">
 * next to it: {kind: bar|hbar|stacked_hbar|line, unit: count|percent|euro, labels, datasets}.
 * The same figures are in the table under every chart, which is what print and screen readers
 * use. Colours are the Okabe–Ito palette, read by colour-blind people; bars also carry a
 * pattern and lines a point shape and dash, so that no series is told apart by colour alone.
 * Numbers are written the Finnish way (1 234,5; 87 %; 9,00 €) whatever the language.
 * No inline handlers; a missing value (null: none, or a small count hidden) draws nothing.
 */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return;
  }
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [4, 4, 1, 4]];
  var NBSP = "\u00a0";
  var count = new Intl.NumberFormat("fi-FI", { maximumFractionDigits: 1 });
  var euro = new Intl.NumberFormat("fi-FI", { style: "currency", currency: "EUR" });

  function format(unit, value) {
    if (value === null || value === undefined) {
      return "–";
    }
    if (unit === "euro") {
      return euro.format(value);
    }
    if (unit === "percent") {
      return count.format(value) + NBSP + "%";
    }
    return count.format(value);
  }

  // A 12 × 12 tile: the series' colour with its own pattern over it.
  function pattern(colour, index) {
    var tile = document.createElement("canvas");
    tile.width = 12;
    tile.height = 12;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 12, 12);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
    ctx.lineWidth = 2;
    ctx.beginPath();
    switch (index % 8) {
      case 1: // diagonal stripes
        ctx.moveTo(0, 12); ctx.lineTo(12, 0);
        ctx.moveTo(-3, 3); ctx.lineTo(3, -3);
        ctx.moveTo(9, 15); ctx.lineTo(15, 9);
        break;
      case 2: // dots
        ctx.arc(6, 6, 2, 0, 2 * Math.PI);
        ctx.fill();
        break;
      case 3: // horizontal lines
        ctx.moveTo(0, 3); ctx.lineTo(12, 3);
        ctx.moveTo(0, 9); ctx.lineTo(12, 9);
        break;
      case 4: // cross-hatch
        ctx.moveTo(0, 0); ctx.lineTo(12, 12);
        ctx.moveTo(12, 0); ctx.lineTo(0, 12);
        break;
      case 5: // vertical lines
        ctx.moveTo(3, 0); ctx.lineTo(3, 12);
        ctx.moveTo(9, 0); ctx.lineTo(9, 12);
        break;
      case 6: // other diagonal
        ctx.moveTo(0, 0); ctx.lineTo(12, 12);
        ctx.moveTo(-3, 9); ctx.lineTo(3, 15);
        ctx.moveTo(9, -3); ctx.lineTo(15, 3);
        break;
      case 7: // grid
        ctx.moveTo(6, 0); ctx.lineTo(6, 12);
        ctx.moveTo(0, 6); ctx.lineTo(12, 6);
        break;
      default: // plain
        break;
    }
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  function dataset(spec, source, index) {
    var colour = COLOURS[index % COLOURS.length];
    if (spec.kind === "line") {
      return {
        label: source.label,
        data: source.data,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        borderDash: DASHES[index % DASHES.length],
        pointStyle: POINTS[index % POINTS.length],
        pointRadius: 5,
        pointHoverRadius: 7,
        spanGaps: false,
        tension: 0
      };
    }
    return {
      label: source.label,
      data: source.data,
      backgroundColor: pattern(colour, index),
      borderColor: colour,
      borderWidth: 1,
      skipNull: true
    };
  }

  function options(spec) {
    var horizontal = spec.kind === "hbar" || spec.kind === "stacked_hbar";
    var stacked = spec.kind === "stacked_hbar";
    var valueAxis = {
      beginAtZero: true,
      stacked: stacked,
      ticks: {
        precision: spec.unit === "count" ? 0 : undefined,
        callback: function (value) { return format(spec.unit, value); }
      }
    };
    if (spec.unit === "percent") {
      valueAxis.max = 100;
    }
    var categoryAxis = { stacked: stacked, ticks: { autoSkip: false } };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: 8, right: 8 } },
      indexAxis: horizontal ? "y" : "x",
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: {
          display: spec.datasets.length > 1,
          position: "bottom",
          labels: { usePointStyle: spec.kind === "line", boxWidth: 24, boxHeight: 14 }
        },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = horizontal ? context.parsed.x : context.parsed.y;
              return context.dataset.label + ": " + format(spec.unit, value);
            }
          }
        }
      }
    };
  }

  var charts = [];
  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    charts.push(new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (item, index) { return dataset(spec, item, index); })
      },
      options: options(spec)
    }));
    canvas.setAttribute("data-drawn", "1");
  });

  // Charts follow the page's width when printed, and come back after.
  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
