// Charts of the text analysis overview. Data comes from the json_script element
// "text-chart-data"; clicking a bar opens the inbox filtered to those texts.
(function () {
  "use strict";
  var COLOURS = { negative: "#c0392b", neutral: "#8a94a6", positive: "#1e8e4e" };
  var ORDER = ["negative", "neutral", "positive"];

  function stacked(element, categories, block, labels, horizontal) {
    if (!element || !window.echarts) { return; }
    var locale = document.documentElement.lang === "ja" ? "JA" : (document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN");
    var chart = window.echarts.init(element, null, { locale: locale });
    var series = ORDER.map(function (name) {
      return { name: labels[name], type: "bar", stack: "all", data: block.series[name], itemStyle: { color: COLOURS[name] } };
    });
    var categoryAxis = { type: "category", data: categories, axisLabel: { width: 140, overflow: "truncate" } };
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: horizontal ? 150 : 40, right: 16, top: 32, bottom: 28 },
      xAxis: horizontal ? { type: "value", minInterval: 1 } : categoryAxis,
      yAxis: horizontal ? Object.assign({ inverse: true }, categoryAxis) : { type: "value", minInterval: 1 },
      series: series
    });
    chart.on("click", function (params) {
      var link = block.links[params.dataIndex];
      if (Array.isArray(link)) { link = link[params.seriesIndex]; }
      else { link = link + "&sentiment=" + ORDER[params.seriesIndex]; }
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var source = document.getElementById("text-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    stacked(document.getElementById("chart-trend"), data.trend.weeks, data.trend, data.labels, false);
    stacked(document.getElementById("chart-topics"), data.topics.names, data.topics, data.labels, true);
    stacked(document.getElementById("chart-aspects"), data.aspects.names, data.aspects, data.labels, true);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
