// Plots of fit and inference results. Line, band and bar plots are uPlot;
// the correlation heat map and the exclusion map are drawn on a canvas here
// because uPlot has no matrix or scatter-by-category view.
//
// Every plot is readable without colour: expected curves are dashed,
// observed ones solid with markers, stacked samples are hatched, and
// exclusion markers differ in shape. Each returns {canvas, destroy()} so the
// page can export it as PNG.
import uPlot from 'uplot';

export const palette = ['#1f5aa6', '#d1495b', '#2e8b57', '#edae49',
                        '#7b4fa0', '#00798c', '#8c564b', '#666666'];
const hatchAngles = [0, 45, 90, 135, -1, 22, 67, 112];

function hatch(color, index) {
  const size = 8;
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const ctx = tile.getContext('2d');
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.55;
  ctx.fillRect(0, 0, size, size);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = 'rgba(0,0,0,0.45)';
  ctx.lineWidth = 1;
  const angle = hatchAngles[index % hatchAngles.length];
  ctx.beginPath();
  if (angle === -1) {
    ctx.arc(size / 2, size / 2, 1.2, 0, 2 * Math.PI);
    ctx.fillStyle = '#000';
    ctx.fill();
  } else {
    ctx.translate(size / 2, size / 2);
    ctx.rotate((angle * Math.PI) / 180);
    ctx.moveTo(-size, 0);
    ctx.lineTo(size, 0);
    ctx.stroke();
  }
  return ctx.createPattern(tile, 'repeat');
}

function widthOf(el) {
  return Math.max(280, Math.min(el.clientWidth || 640, 1100));
}

// uPlot with the page's defaults, resized with its container.
function makePlot(el, options, data) {
  el.replaceChildren();
  const height = options.height ?? Math.round(Math.min(360,
      Math.max(220, widthOf(el) * 0.55)));
  const plot = new uPlot({
    width: widthOf(el), height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    ...options,
  }, data, el);
  const observer = new ResizeObserver(() => {
    plot.setSize({ width: widthOf(el), height });
  });
  observer.observe(el);
  return {
    plot, canvas: plot.ctx.canvas,
    destroy() { observer.disconnect(); plot.destroy(); },
  };
}

function hline(u, y, { dash = [6, 4], color = '#444', label = '' } = {}) {
  const { ctx, bbox } = u;
  const py = u.valToPos(y, 'y', true);
  if (py < bbox.top || py > bbox.top + bbox.height) return;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.setLineDash(dash);
  ctx.lineWidth = uPlot.pxRatio;
  ctx.beginPath();
  ctx.moveTo(bbox.left, py);
  ctx.lineTo(bbox.left + bbox.width, py);
  ctx.stroke();
  if (label) {
    ctx.fillStyle = color;
    ctx.font = `${11 * uPlot.pxRatio}px sans-serif`;
    ctx.fillText(label, bbox.left + bbox.width - ctx.measureText(label).width
                 - 4, py - 3);
  }
  ctx.restore();
}

function vline(u, x, { dash = [6, 4], color = '#000', label = '',
  row = 1 } = {}) {
  if (!Number.isFinite(x)) return;
  const { ctx, bbox } = u;
  const px = u.valToPos(x, 'x', true);
  if (px < bbox.left || px > bbox.left + bbox.width) return;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.setLineDash(dash);
  ctx.lineWidth = 1.5 * uPlot.pxRatio;
  ctx.beginPath();
  ctx.moveTo(px, bbox.top);
  ctx.lineTo(px, bbox.top + bbox.height);
  ctx.stroke();
  ctx.fillStyle = color;
  ctx.font = `${11 * uPlot.pxRatio}px sans-serif`;
  ctx.fillText(label, px + 4 * uPlot.pxRatio, bbox.top + row * 14 *
               uPlot.pxRatio);
  ctx.restore();
}

// A legend of hatched swatches for the stacked samples (uPlot's own
// legend cannot show a pattern fill).
export function swatchLegend(names) {
  const list = document.createElement('ul');
  list.className = 'swatches';
  names.forEach((name, s) => {
    const item = document.createElement('li');
    const tile = document.createElement('canvas');
    tile.width = tile.height = 16;
    const ctx = tile.getContext('2d');
    ctx.fillStyle = hatch(palette[s % palette.length], s);
    ctx.fillRect(0, 0, 16, 16);
    ctx.strokeRect(0.5, 0.5, 15, 15);
    item.append(tile, ` ${name}`);
    list.append(item);
  });
  const data = document.createElement('li');
  data.textContent = '● data (√n error bars)';
  list.append(data);
  return list;
}

// Profile-likelihood scan: -2 Δ ln L against the parameter, with the
// 1 and 2 sigma lines (1 and 4).
export function scanPlot(el, scan) {
  const points = scan.points.filter((p) => Number.isFinite(p.delta_twice_nll));
  const x = points.map((p) => p.value);
  const y = points.map((p) => p.delta_twice_nll);
  return makePlot(el, {
    scales: { x: { time: false } },
    axes: [{ label: scan.parameter }, { label: '−2 Δ ln L' }],
    series: [{ label: scan.parameter },
      { label: 'profile', stroke: palette[0], width: 2,
        points: { show: true, size: 6 } }],
    hooks: { draw: [(u) => {
      hline(u, 1, { label: '1σ' });
      hline(u, 4, { label: '2σ', dash: [2, 3] });
    }] },
  }, [x, y]);
}

// CLs against mu with the expected band, the observed curve, 1 − cl and
// the observed (solid) and expected (dashed) limits as vertical lines.
export function clsPlot(el, curve, cl = 0.95, limit = null) {
  const x = curve.map((p) => p.mu);
  const exp = (k) => curve.map((p) => p.CLs_exp[k]);
  const bandFill2 = 'rgba(237,174,73,0.55)';
  const bandFill1 = 'rgba(46,139,87,0.55)';
  return makePlot(el, {
    scales: { x: { time: false }, y: { range: [0, 1.05] } },
    axes: [{ label: 'μ (signal strength)' }, { label: 'CLs' }],
    series: [{ label: 'μ' },
      { label: 'expected −2σ', stroke: '#a07a20', width: 1 },
      { label: 'expected −1σ', stroke: '#1d6b40', width: 1 },
      { label: 'expected', stroke: '#000', width: 1.5, dash: [6, 4] },
      { label: 'expected +1σ', stroke: '#1d6b40', width: 1 },
      { label: 'expected +2σ', stroke: '#a07a20', width: 1 },
      { label: 'observed', stroke: '#000', width: 2,
        points: { show: true, size: 6, fill: '#000' } }],
    bands: [{ series: [5, 4], fill: bandFill2 },
      { series: [2, 1], fill: bandFill2 },
      { series: [4, 2], fill: bandFill1 }],
    hooks: { draw: [(u) => {
      hline(u, 1 - cl, { color: '#d1495b',
                         label: `CLs = ${(1 - cl).toFixed(2)}` });
      if (limit) {
        vline(u, limit.exp?.[2], { dash: [6, 4], label: 'expected limit',
                                   row: 2 });
        vline(u, limit.obs, { dash: [], label: 'observed limit' });
      }
    }] },
  }, [x, exp(0), exp(1), exp(2), exp(3), exp(4),
    curve.map((p) => p.CLs_obs)]);
}

// Points with vertical error bars drawn over a uPlot.
function errorBars(u, seriesIndex, lo, hi, color = '#000') {
  const { ctx } = u;
  const xs = u.data[0];
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 * uPlot.pxRatio;
  for (let i = 0; i < xs.length; ++i) {
    if (!Number.isFinite(lo[i]) || !Number.isFinite(hi[i])) continue;
    const px = u.valToPos(xs[i], 'x', true);
    const y0 = u.valToPos(lo[i], u.series[seriesIndex].scale, true);
    const y1 = u.valToPos(hi[i], u.series[seriesIndex].scale, true);
    ctx.beginPath();
    ctx.moveTo(px, y0);
    ctx.lineTo(px, y1);
    ctx.moveTo(px - 3, y0);
    ctx.lineTo(px + 3, y0);
    ctx.moveTo(px - 3, y1);
    ctx.lineTo(px + 3, y1);
    ctx.stroke();
  }
  ctx.restore();
}

function band(u, from, to, fill) {
  const { ctx, bbox } = u;
  const y0 = u.valToPos(from, 'y', true);
  const y1 = u.valToPos(to, 'y', true);
  ctx.save();
  ctx.fillStyle = fill;
  ctx.fillRect(bbox.left, Math.min(y0, y1), bbox.width, Math.abs(y1 - y0));
  ctx.restore();
}

function shortName(name, length = 26) {
  return name.length <= length ? name : `${name.slice(0, length - 1)}…`;
}

function nameAxis(names, label) {
  names = names.map((n) => shortName(n));
  return {
    label,
    values: (u, splits) => splits.map((v) => names[v] ?? ''),
    splits: () => names.map((_, i) => i),
    rotate: -60,
    size: Math.min(160, 14 + 6.2 * Math.max(...names.map((n) => n.length))),
    font: '10px sans-serif',
  };
}

// Pulls (θ̂ − θ₀)/Δθ with the post-fit constraint as error bar, over the
// ±1σ and ±2σ bands.
export function pullPlot(el, pulls) {
  const rows = pulls.pulls.filter((p) => p.constrained);
  const names = rows.map((p) => p.name);
  const x = rows.map((_, i) => i);
  const y = rows.map((p) => p.pull);
  const lo = rows.map((p) => p.pull - p.constraint);
  const hi = rows.map((p) => p.pull + p.constraint);
  return makePlot(el, {
    scales: { x: { time: false, range: [-0.5, rows.length - 0.5] },
      y: { range: [-2.6, 2.6] } },
    axes: [nameAxis(names, ''), { label: '(θ̂ − θ₀) / Δθ' }],
    series: [{ label: 'parameter', value: (u, v) => names[v] ?? '' },
      { label: 'pull', stroke: 'transparent',
        points: { show: true, size: 7, fill: '#000', stroke: '#000' } }],
    legend: { show: true },
    hooks: {
      drawClear: [(u) => {
        band(u, -2, 2, 'rgba(237,174,73,0.45)');
        band(u, -1, 1, 'rgba(46,139,87,0.45)');
      }],
      draw: [(u) => errorBars(u, 1, lo, hi)],
    },
  }, [x, y]);
}

// Impacts on the POI, the largest first: post-fit as hatched bars, pre-fit
// as open outlines.
export function rankingPlot(el, ranking, top = 20) {
  const rows = ranking.ranking.slice(0, top);
  const names = rows.map((r) => r.name);
  const x = rows.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [0.7, 40] });
  const thin = uPlot.paths.bars({ size: [0.35, 20] });
  const largest = Math.max(...rows.flatMap((r) => [...r.impact_prefit,
    ...r.impact_postfit].map(Math.abs)), 0.05 * (ranking.poi_error || 1));
  return makePlot(el, {
    scales: { x: { time: false, range: [-0.5, rows.length - 0.5] },
      y: { range: [-1.15 * largest, 1.15 * largest] } },
    axes: [nameAxis(names, ''), { label: `Δ${ranking.poi}` }],
    series: [{ label: 'parameter', value: (u, v) => names[v] ?? '' },
      { label: 'pre-fit +1σ', stroke: '#1f5aa6', width: 1.5, paths: bars,
        points: { show: false } },
      { label: 'pre-fit −1σ', stroke: '#d1495b', width: 1.5, dash: [4, 3],
        paths: bars, points: { show: false } },
      { label: 'post-fit +1σ', stroke: '#1f5aa6', paths: thin,
        points: { show: false }, fill: (u) => hatch('#1f5aa6', 1) },
      { label: 'post-fit −1σ', stroke: '#d1495b', paths: thin,
        points: { show: false }, fill: (u) => hatch('#d1495b', 3) }],
  }, [x, rows.map((r) => r.impact_prefit[0]),
    rows.map((r) => r.impact_prefit[1]),
    rows.map((r) => r.impact_postfit[0]),
    rows.map((r) => r.impact_postfit[1])]);
}

// One channel: samples stacked (hatched, in legend order) with the data as
// points with √n error bars.
export function yieldsPlot(el, channel, which = 'postfit') {
  const nbins = channel.data.length;
  const x = Array.from({ length: nbins }, (_, i) => i);
  const stacks = [];
  const running = new Array(nbins).fill(0);
  for (const sample of channel.samples) {
    for (let i = 0; i < nbins; ++i) running[i] += sample[which][i];
    stacks.push({ name: sample.name, y: running.slice() });
  }
  const bars = uPlot.paths.bars({ size: [0.92, 200], align: 0 });
  const series = [{ label: 'bin' }];
  const data = [x];
  for (let s = stacks.length - 1; s >= 0; --s) {
    series.push({ label: stacks[s].name, stroke: '#222', width: 1,
      paths: bars, points: { show: false },
      fill: () => hatch(palette[s % palette.length], s) });
    data.push(stacks[s].y);
  }
  series.push({ label: 'data', stroke: 'transparent',
    points: { show: true, size: 7, fill: '#000', stroke: '#000' } });
  data.push(channel.data);
  const lo = channel.data.map((n) => n - Math.sqrt(n));
  const hi = channel.data.map((n) => n + Math.sqrt(n));
  const dataIndex = series.length - 1;
  return makePlot(el, {
    scales: { x: { time: false, range: [-0.5, nbins - 0.5] },
      y: { range: (u, min, max) => [0, Math.max(max,
          ...hi.filter(Number.isFinite)) * 1.15] } },
    axes: [{ label: `${channel.name}: bin`,
      splits: () => x, values: (u, v) => v.map(String) },
    { label: 'events' }],
    series,
    legend: { show: false },
    hooks: { draw: [(u) => errorBars(u, dataIndex, lo, hi)] },
  }, data);
}

// Correlation matrix as a heat map: blue negative, red positive, and the
// value printed in each cell when the cells are large enough, so the sign
// never depends on colour alone.
export function heatmap(el, names, matrix) {
  el.replaceChildren();
  const n = names.length;
  const cssWidth = Math.min(widthOf(el), 900);
  const label = Math.min(170, 8 + 6 * Math.max(0, ...names.map((s) =>
    s.length)));
  const cell = Math.max(4, Math.floor((cssWidth - label - 10) / Math.max(n,
    1)));
  const side = label + cell * n + 10;
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = side * ratio;
  canvas.height = side * ratio;
  canvas.style.width = `${side}px`;
  canvas.style.height = `${side}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `correlation matrix of ${n} parameters`);
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, side, side);
  ctx.font = `${Math.min(11, Math.max(7, cell - 2))}px sans-serif`;
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j < n; ++j) {
      const v = matrix[i][j];
      const a = Math.min(1, Math.abs(v));
      ctx.fillStyle = v >= 0 ? `rgba(209,73,91,${a})` : `rgba(31,90,166,${a})`;
      ctx.fillRect(label + j * cell, label + i * cell, cell, cell);
      if (cell >= 26) {
        ctx.fillStyle = a > 0.6 ? '#fff' : '#000';
        ctx.fillText(v.toFixed(2), label + j * cell + 2,
                     label + i * cell + cell / 2 + 4);
      } else if (cell >= 8 && a >= 0.05 && v < 0) {
        ctx.fillStyle = a > 0.6 ? '#fff' : '#000';
        ctx.fillRect(label + j * cell + cell / 4, label + i * cell + cell / 2,
                     cell / 2, 1);
      }
    }
  }
  ctx.fillStyle = '#000';
  if (cell >= 7) {
    for (let i = 0; i < n; ++i) {
      const text = names[i];
      ctx.fillText(text, label - 4 - ctx.measureText(text).width,
                   label + i * cell + cell / 2 + 4);
      ctx.save();
      ctx.translate(label + i * cell + cell / 2 + 4, label - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(text, 0, 0);
      ctx.restore();
    }
  }
  el.append(canvas);
  return { canvas, destroy() { canvas.remove(); } };
}

// Exclusion map over two mass values: filled squares excluded (CLs < 1 −
// cl), open circles allowed, with the CLs printed on hover (title).
export function exclusionMap(el, rows, { labels = ['m1', 'm2'], cl = 0.95 }
  = {}) {
  el.replaceChildren();
  const points = rows.filter((r) => r.values?.length >= 2 &&
                                    Number.isFinite(r.cls?.CLs_obs));
  const width = Math.min(widthOf(el), 760);
  const height = Math.round(width * 0.7);
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'exclusion map: filled squares are ' +
                      'excluded, open circles are not');
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const m = { l: 74, r: 16, t: 16, b: 46 };
  const xs = points.map((p) => p.values[0]);
  const ys = points.map((p) => p.values[1]);
  const span = (v) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const pad = (hi - lo) * 0.05 || 1;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = points.length ? span(xs) : [0, 1];
  const [y0, y1] = points.length ? span(ys) : [0, 1];
  const px = (v) => m.l + ((v - x0) / (x1 - x0)) * (width - m.l - m.r);
  const py = (v) => height - m.b - ((v - y0) / (y1 - y0)) *
      (height - m.t - m.b);
  ctx.strokeStyle = '#000';
  ctx.strokeRect(m.l, m.t, width - m.l - m.r, height - m.t - m.b);
  ctx.fillStyle = '#000';
  ctx.font = '12px sans-serif';
  for (let k = 0; k <= 4; ++k) {
    const vx = x0 + ((x1 - x0) * k) / 4;
    const vy = y0 + ((y1 - y0) * k) / 4;
    const tx = String(Number(vx.toPrecision(4)));
    const ty = String(Number(vy.toPrecision(4)));
    ctx.fillText(tx, px(vx) - ctx.measureText(tx).width / 2,
                 height - m.b + 16);
    ctx.fillText(ty, m.l - 6 - ctx.measureText(ty).width, py(vy) + 4);
  }
  ctx.fillText(labels[0], width / 2, height - 8);
  ctx.save();
  ctx.translate(16, height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(labels[1], 0, 0);
  ctx.restore();
  for (const p of points) {
    const excluded = p.cls.CLs_obs < 1 - cl;
    const cx = px(p.values[0]);
    const cy = py(p.values[1]);
    ctx.beginPath();
    if (excluded) {
      ctx.fillStyle = '#d1495b';
      ctx.rect(cx - 4, cy - 4, 8, 8);
      ctx.fill();
      ctx.stroke();
    } else {
      ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = '#1f5aa6';
      ctx.stroke();
      ctx.strokeStyle = '#000';
    }
  }
  el.append(canvas);
  return { canvas, destroy() { canvas.remove(); } };
}
