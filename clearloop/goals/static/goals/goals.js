// The goal's history chart: the daily figure, the baseline and the target.
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("goal-chart");
    if (!element || !window.echarts) return;
    var history = JSON.parse(document.getElementById("goal-history").textContent);
    var lines = JSON.parse(document.getElementById("goal-lines").textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 48, right: 24, top: 24, bottom: 32 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "time" },
      yAxis: { type: "value", scale: true },
      series: [{
        name: element.dataset.figureLabel,
        type: "line",
        showSymbol: false,
        data: history.map(function (row) { return [row[0], row[1]]; }),
        markLine: {
          symbol: "none",
          data: [
            { yAxis: lines.target, name: element.dataset.targetLabel, lineStyle: { color: "#1f8a4c" } },
            { yAxis: lines.baseline, lineStyle: { color: "#8a94a6", type: "dotted" } }
          ]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
