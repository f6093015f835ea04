// Analytics charts: ECharts over the JSON each page passes in json_script elements.
// No inline scripts or styles (CSP): tooltips render as rich text on the canvas.
// Every point and bar with a "url" opens the responses behind it.
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "en").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : lang === "ja" ? "JA" : "EN";
  var font = '"Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans", system-ui, sans-serif';

  function fmt(value, style) {
    if (value === null || value === undefined) return "—";
    var options = style === "mean" ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
      : { maximumFractionDigits: 0 };
    var text = Number(value).toLocaleString(lang, options);
    return style === "percent" ? text + "%" : text;
  }

  // Shares stay on 0…100 and NPS on -100…100; bars start at zero so gaps are not inflated.
  function axis(style, scale) {
    var result = { type: "value", scale: scale && style === "mean" };
    if (style === "percent") { result.min = 0; result.max = 100; }
    if (style === "score") {
      result.max = function (v) { return Math.min(100, Math.ceil(v.max / 20) * 20); };
      result.min = function (v) { return Math.max(-100, Math.floor(Math.min(0, v.min) / 20) * 20); };
    }
    return result;
  }

  function base(colors) {
    return {
      aria: { enabled: true },
      textStyle: { fontFamily: font },
      color: [colors.primary, colors.warn, colors.good, colors.bad, colors.band],
      tooltip: { renderMode: "richText", confine: true },
      grid: { left: 48, right: 16, top: 28, bottom: 36, containLabel: true },
      animation: false
    };
  }

  function open(url) { if (url) window.location.assign(url); }

  function trend(data) {
    var c = data.colors, points = data.points;
    var option = base(c);
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = function (items) {
      var p = points[items[0].dataIndex];
      var lines = [p.x, data.label + ": " + fmt(p.y, data.style)];
      if (p.low !== null) lines.push(data.band_label + ": " + fmt(p.low, data.style) + " – " + fmt(p.high, data.style));
      lines.push("n = " + p.n.toLocaleString(lang));
      if (!p.enough) lines.push(data.thin_label);
      return lines.join("\n");
    };
    option.legend = { top: 0, data: [data.label, data.band_label] };
    option.xAxis = { type: "category", data: points.map(function (p) { return p.x; }), boundaryGap: false };
    option.yAxis = axis(data.style, true);
    option.series = [
      { name: "low", type: "line", stack: "band", stackStrategy: "all", symbol: "none", silent: true, lineStyle: { opacity: 0 },
        data: points.map(function (p) { return p.low === null ? "-" : p.low; }) },
      { name: data.band_label, type: "line", stack: "band", stackStrategy: "all", symbol: "none", silent: true,
        lineStyle: { opacity: 0 }, areaStyle: { color: c.band, opacity: 0.35 }, itemStyle: { color: c.band },
        data: points.map(function (p) { return p.low === null ? "-" : p.high - p.low; }) },
      { name: data.label, type: "line", symbolSize: 8, lineStyle: { width: 2, color: c.primary },
        itemStyle: { color: c.primary },
        data: points.map(function (p) {
          return { value: p.y === null ? "-" : p.y, itemStyle: { color: p.enough ? c.primary : c.thin } };
        }) }
    ];
    return { option: option, click: function (event) {
      if (event.seriesIndex === 2) open(points[event.dataIndex].url);
    } };
  }

  function bars(data) {
    var c = data.colors, items = data.bars;
    var option = base(c);
    option.tooltip.formatter = function (item) {
      return items[item.dataIndex].x + ": " + items[item.dataIndex].y.toLocaleString(lang);
    };
    option.xAxis = { type: "category", data: items.map(function (b) { return b.x; }) };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [{ name: data.label, type: "bar", cursor: "pointer",
      data: items.map(function (b) { return { value: b.y, itemStyle: { color: c[b.tone] || c.primary } }; }) }];
    return { option: option, click: function (event) { open(items[event.dataIndex].url); } };
  }

  function hbars(data) {
    var c = data.colors, items = data.bars.slice().reverse();
    var option = base(c);
    option.grid.left = 8;
    option.tooltip.formatter = function (item) {
      var b = items[item.dataIndex];
      var lines = [b.x + ": " + fmt(b.y, data.style), "95%: " + fmt(b.low, data.style) + " – " + fmt(b.high, data.style), "n = " + b.n.toLocaleString(lang)];
      if (b.direction === "above") lines.push(data.above_label);
      if (b.direction === "below") lines.push(data.below_label);
      return lines.join("\n");
    };
    option.yAxis = { type: "category", data: items.map(function (b) { return b.x; }) };
    option.xAxis = axis(data.style, false);
    option.series = [{ name: data.label, type: "bar", cursor: "pointer",
      label: { show: true, position: "right", formatter: function (item) {
        var b = items[item.dataIndex];
        return fmt(b.y, data.style) + (b.direction === "above" ? " ▲" : b.direction === "below" ? " ▼" : "");
      } },
      data: items.map(function (b) {
        var color = !b.enough ? c.thin : b.direction === "above" ? c.good : b.direction === "below" ? c.bad : c.primary;
        return { value: b.y === null ? "-" : b.y, itemStyle: { color: color } };
      }) }];
    return { option: option, click: function (event) { open(items[event.dataIndex].url); } };
  }

  function quadrant(data) {
    var c = data.colors;
    var tones = { fix_first: c.bad, keep_up: c.good, lower_priority: c.thin, possible_overkill: c.primary };
    var option = base(c);
    option.grid.bottom = 48;
    option.grid.right = 110;
    option.grid.top = 56;
    option.legend = { top: 0, data: Object.keys(data.quadrants).map(function (k) { return data.quadrants[k]; }) };
    option.xAxis = { type: "value", name: data.x_label, nameLocation: "middle", nameGap: 28, scale: true };
    option.yAxis = { type: "value", name: data.y_label, nameLocation: "end", nameGap: 12, scale: true,
      nameTextStyle: { align: "left" } };
    option.tooltip.formatter = function (item) { return item.data.name + "\n" + item.data.label; };
    var means = { x: 0, y: 0 };
    data.points.forEach(function (p) { means.x += p.x / data.points.length; means.y += p.y / data.points.length; });
    option.series = Object.keys(data.quadrants).map(function (key, index) {
      var series = { name: data.quadrants[key], type: "scatter", symbolSize: 16, cursor: "pointer",
        itemStyle: { color: tones[key] },
        label: { show: true, position: "right", formatter: function (item) { return item.data.name; } },
        data: data.points.filter(function (p) { return p.quadrant === key; }).map(function (p) {
          return { value: [p.x, p.y], name: p.name, label: data.quadrants[key], url: p.url };
        }) };
      if (index === 0) {
        series.markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed", color: c.thin },
          label: { show: false }, data: [{ xAxis: means.x }, { yAxis: means.y }] };
      }
      return series;
    });
    return { option: option, click: function (event) { if (event.data) open(event.data.url); } };
  }

  var kinds = { trend: trend, bars: bars, hbars: hbars, quadrant: quadrant };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var build = kinds[data.kind];
    if (!build) return;
    var built = build(data);
    var chart = window.echarts.init(element, null, { locale: locale, renderer: "canvas" });
    chart.setOption(built.option);
    chart.on("click", built.click);
    element.setAttribute("data-ready", "true");
    window.addEventListener("resize", function () { chart.resize(); });
    // Tests and keyboard users reach the drill-down without a mouse: expose each link.
    var links = document.createElement("ul");
    links.className = "visually-hidden chart-links";
    (data.points || data.bars || []).forEach(function (p) {
      if (!p.url) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = (p.name || p.x) + (p.y !== undefined && p.y !== null ? ": " + fmt(p.y, data.style) : "");
      item.appendChild(link);
      links.appendChild(item);
    });
    element.parentNode.insertBefore(links, element.nextSibling);
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () { document.querySelectorAll("[data-chart]").forEach(draw); });
})();
