// Charts: a uPlot time chart with a text summary and its numbers as a
// table for screen readers, and plain HTML bar lists for categories.
import { html, useEffect, useRef } from './ui.js';

// uPlot is loaded when the first chart is drawn, so a page paints its
// numbers without waiting for it.
let uPlotModule = null;
function loadUPlot() {
  if (!uPlotModule) uPlotModule = import('./vendor/uplot.js').then((m) => m.default);
  return uPlotModule;
}

let cssLoaded = false;
function loadCSS() {
  if (cssLoaded) return;
  cssLoaded = true;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = 'vendor/uplot.css';
  document.head.appendChild(link);
}

/** The value of a CSS variable of the theme ("--ok" → "#3fb950"). */
export function themeColor(name, fallback = '#888') {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function dayTs(date) { return Date.parse(date + 'T00:00:00Z') / 1000; }

/** Draws series over days into el with uPlot; returns the plot. */
function draw(uPlot, el, days, series, height) {
  const muted = themeColor('--muted', '#9aa4b2');
  const grid = themeColor('--border', '#353c48');
  const data = [days.map(dayTs), ...series.map((s) => s.values)];
  const opts = {
    width: Math.max(el.clientWidth, 200),
    height,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    // Half a day of room on each side keeps the first and last bars whole.
    scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] } },
    axes: [
      { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
      { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 44 },
    ],
    series: [
      { value: (u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
      ...series.map((s) => {
        const color = themeColor(s.color, '#35c5f4');
        return s.bars
          ? { label: s.label, stroke: color, fill: color + '99', width: 1, paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } }
          : { label: s.label, stroke: color, width: 2, points: { show: days.length < 40 } };
      }),
    ],
  };
  return new uPlot(opts, data, el);
}

/**
 * A chart over days. days: ["2026-12-01", ...]; series: [{label, values,
 * color (CSS variable name), bars (bool)}]. summary is the sentence a
 * screen reader gets instead of the picture; the numbers follow in a
 * table that anyone can open.
 */
export function DayChart({ title, days, series, summary, height = 220 }) {
  const box = useRef(null);
  useEffect(() => {
    loadCSS();
    const el = box.current;
    if (!el) return undefined;
    let live = true;
    let plot = null;
    let ro = null;
    loadUPlot().then((uPlot) => {
      if (!live) return;
      plot = draw(uPlot, el, days, series, height);
      ro = new ResizeObserver(() => plot && plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
      ro.observe(el);
    }, (e) => console.warn('chart library not loaded', e));
    return () => {
      live = false;
      if (ro) ro.disconnect();
      if (plot) plot.destroy();
    };
  }, [JSON.stringify(days), JSON.stringify(series.map((s) => s.values)), height]);

  return html`<figure class="chart">
    <div class="chart-canvas" ref=${box} role="img" aria-label=${summary}></div>
    <figcaption class="chart-summary">${summary}</figcaption>
    <details class="chart-table">
      <summary>${title ? `${title}: the numbers` : 'The numbers'}</summary>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${title}><table>
        <caption class="offscreen">${title}</caption>
        <thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
        <tbody>${days.map((d, i) => html`<tr><th scope="row">${d}</th>${series.map((s) => html`<td>${s.values[i]}</td>`)}</tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`;
}

/**
 * Horizontal bars for categories, readable as they are: rows of
 * {label, values: [..]} against columns [{label, color}]; each bar is
 * scaled to the largest value of its column.
 */
export function BarList({ caption, header = 'Name', columns, rows }) {
  const max = columns.map((_, c) => Math.max(1, ...rows.map((r) => Number(r.values[c]) || 0)));
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}><table class="bar-list">
    <caption class="offscreen">${caption}</caption>
    <thead><tr><th scope="col">${header}</th>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>
      <th scope="row">${r.label}</th>
      ${r.values.map((v, c) => html`<td>
        <span class="bar-value">${columns[c].format ? columns[c].format(v) : v}</span>
        <span class="bar" aria-hidden="true"><span class=${'bar-fill ' + (columns[c].tone || '')} style=${{ width: `${Math.round((100 * (Number(v) || 0)) / max[c])}%` }}></span></span>
      </td>`)}
    </tr>`)}</tbody>
  </table></div>`;
}
