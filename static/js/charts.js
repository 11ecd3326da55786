// Draws each evaluation chart from the JSON data beside it (a <script type="application/json">
// element the page renders, which the Content-Security-Policy allows). The table under each
// chart holds every figure, so the chart adds a picture and takes nothing away.
(function () {
  "use strict";
  // Okabe and Ito's palette, readable with every common colour-vision deficiency; each series
  // also has its own marker shape, so no meaning rests on colour alone.
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var SHAPES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "rectRounded", "cross"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: s.label, data: s.data, backgroundColor: colour, borderColor: colour,
        pointStyle: SHAPES[i % SHAPES.length], pointRadius: 5, spanGaps: false,
        borderDash: i % 2 ? [6, 3] : []
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: {
          x: { stacked: spec.stacked },
          y: { stacked: spec.stacked, beginAtZero: true, title: { display: !!spec.yTitle, text: spec.yTitle } }
        }
      }
    });
    canvas.dataset.drawn = "true";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach(draw);
  }
  // Figures counted in the background arrive later, swapped in by htmx.
  document.addEventListener("htmx:afterSettle", drawAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
