// The hs3web page: open a published likelihood, fit it, scan it and set
// limits, with the engine in Web Workers.
//
// State lives in `state`; every action goes through `busy()`, which shows
// progress, offers cancel and reports errors with their JSON path. The URL's
// hash records the model URL, the patch and the view (see share()).
import defaultModelText from '../../models/default.json';
import { Session, isCancelled } from './engine.mjs';
import { copyText, download, el, fitHealth, num, table, tableText }
  from './format.mjs';
import * as plots from './plots.mjs';
import { classify, fromFiles, fromUrl, patchesFor } from './sources.mjs';

const $ = (selector) => document.querySelector(selector);

const state = {
  bundle: null,
  workspace: null,
  patches: [],
  patch: null,
  modelUrl: '',
  options: { normsys: '', histosys: '' },
  summary: null,
  results: {},
  view: 'model',
  session: new Session(),
  plots: new Map(),
  running: Promise.resolve(),
};

// ---------------------------------------------------------------- status

function setStatus(text, kind = 'info') {
  const status = $('#status');
  status.textContent = text;
  status.dataset.kind = kind;
}

function showError(error, what) {
  const box = $('#error');
  box.hidden = false;
  box.replaceChildren(
      el('strong', { text: `${what} failed: ` }),
      el('span', { 'data-testid': 'error-message',
                   text: error.detail ?? error.message }),
      error.path ? el('div', {}, 'JSON path: ',
                      el('code', { 'data-testid': 'error-path',
                                   text: error.path })) : null,
      error.code ? el('div', { class: 'muted', text: `code: ${error.code}` })
        : null,
      el('button', { type: 'button', class: 'small',
                     onclick: () => { box.hidden = true; } }, 'Dismiss'));
  setStatus(`${what} failed`, 'error');
}

// Runs one action: disables the action buttons, shows progress and the
// cancel button, and turns errors into the message box.
async function busy(what, action) {
  if (document.body.dataset.busy === '1') return undefined;
  let finished;
  state.running = new Promise((resolve) => { finished = resolve; });
  document.body.dataset.busy = '1';
  $('#error').hidden = true;
  const started = performance.now();
  const progress = $('#progress');
  progress.hidden = false;
  progress.removeAttribute('value');
  $('#cancel').hidden = false;
  $('#cancel').disabled = false;
  for (const b of document.querySelectorAll('[data-action]')) b.disabled = true;
  const tick = setInterval(() => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    setStatus(`${what}… ${seconds} s${progress.dataset.note ?? ''}`,
              'busy');
  }, 100);
  const report = ({ done, total, what: note } = {}) => {
    if (total) {
      progress.max = total;
      progress.value = done;
      progress.dataset.note = ` (${done}/${total}${note ? `, ${note}` : ''})`;
    }
  };
  try {
    const result = await action(report);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    setStatus(`${what} done in ${seconds} s`, 'ok');
    document.body.dataset.lastSeconds = seconds;
    return result;
  } catch (error) {
    if (isCancelled(error)) setStatus(`${what} cancelled`, 'warn');
    else showError(error, what);
    return undefined;
  } finally {
    clearInterval(tick);
    delete progress.dataset.note;
    progress.hidden = true;
    $('#cancel').hidden = true;
    for (const b of document.querySelectorAll('[data-action]')) {
      b.disabled = false;
    }
    document.body.dataset.busy = '0';
    finished();
  }
}

function cancel() {
  state.session.cancel();
}

// ---------------------------------------------------------------- opening

async function openBundle(bundle, { modelUrl = '', patchLabel = '',
  label = '' } = {}) {
  state.bundle = bundle;
  state.modelUrl = modelUrl;
  const select = $('#workspace-select');
  select.replaceChildren(...bundle.workspaces.map((w, i) =>
    el('option', { value: String(i), text: w.name })));
  $('#workspace-row').hidden = bundle.workspaces.length < 2;
  const wanted = bundle.workspaces.findIndex((w) =>
    patchLabel && patchesFor(bundle, w).some((p) => p.label === patchLabel));
  select.value = String(Math.max(0, wanted));
  $('#source-label').textContent = label || bundle.workspaces[0].name;
  await chooseWorkspace(Number(select.value), patchLabel);
}

async function chooseWorkspace(index, patchLabel = '') {
  state.workspace = state.bundle.workspaces[index];
  state.patches = patchesFor(state.bundle, state.workspace);
  state.patch = state.patches.find((p) => p.label === patchLabel) ??
      state.patches[0] ?? null;
  renderPatchList();
  await openModel();
}

async function openModel() {
  // A new model replaces whatever runs on the old one.
  if (document.body.dataset.busy === '1') {
    cancel();
    await state.running;
  }
  state.results = {};
  renderResults();
  const source = {
    workspace: state.workspace.text,
    patches: state.patch ? [state.patch.patch] : [],
    options: state.options,
  };
  state.summary = null;
  renderModel();
  const summary = await busy('Opening the model', () =>
    state.session.open(source));
  state.summary = summary ?? null;
  renderModel();
  share();
  document.body.dataset.model = summary ? 'ready' : 'failed';
}

async function openFiles(files) {
  if (!files || files.length === 0) return;
  let bundle;
  try {
    bundle = await fromFiles(files);
  } catch (error) {
    showError(error, 'Reading the files');
    return;
  }
  await openBundle(bundle, { label: [...files].map((f) => f.name)
      .join(', ') });
}

async function openUrl(url, patchLabel = '') {
  if (!url) return;
  setStatus(`Fetching ${url}…`, 'busy');
  let bundle;
  try {
    bundle = await fromUrl(url);
  } catch (error) {
    showError(error, 'Opening the URL');
    return;
  }
  await openBundle(bundle, { modelUrl: url, patchLabel, label: url });
}

async function openDefault(patchLabel = '') {
  const bundle = classify([{ name: 'default.json',
                             text: defaultModelText }]);
  await openBundle(bundle, { patchLabel, label: 'default model (built in)' });
}

// ---------------------------------------------------------------- model

function renderModel() {
  const box = $('#model-summary');
  const s = state.summary;
  if (!s) {
    box.replaceChildren(el('p', { class: 'muted',
                                  text: 'No model is open yet.' }));
    return;
  }
  const info = s.inspect ?? {};
  const channels = info.channels ?? [];
  const sets = info.parameter_sets ?? [];
  const byType = new Map();
  for (const set of sets) {
    const entry = byType.get(set.type) ?? { sets: 0, parameters: 0 };
    entry.sets += 1;
    entry.parameters += set.size;
    byType.set(set.type, entry);
  }
  const free = s.parameters.filter((p) => !p.fixed).length;
  const samples = new Set(channels.flatMap((c) => c.samples));
  box.replaceChildren(
      el('dl', { class: 'facts', 'data-testid': 'model-facts' },
          el('dt', { text: 'channels' }), el('dd', { text: channels.length }),
          el('dt', { text: 'samples' }), el('dd', { text: samples.size }),
          el('dt', { text: 'bins' }),
          el('dd', { text: info.main_bins ??
                         channels.reduce((n, c) => n + c.nbins, 0) }),
          el('dt', { text: 'parameters' }),
          el('dd', { text: `${s.parameters.length} (${free} free)` }),
          el('dt', { text: 'POI' }), el('dd', { text: s.poi ?? 'none' }),
          el('dt', { text: 'measurement' }),
          el('dd', { text: s.measurement ?? '' })),
      table(['channel', 'bins', 'samples'],
          channels.map((c) => [c.name, c.nbins, c.samples.join(', ')]),
          { caption: 'Channels', testid: 'channels' }),
      table(['modifier', 'sets', 'parameters'],
          [...byType].map(([type, e]) => [type, e.sets, e.parameters]),
          { caption: 'Modifiers', testid: 'modifiers' }));
  const interp = info.interpolation ?? {};
  if (!state.options.normsys && interp.normsys) {
    $('#normsys').value = interp.normsys;
  }
  if (!state.options.histosys && interp.histosys) {
    $('#histosys').value = interp.histosys;
  }
  const scanSelect = $('#scan-parameter');
  scanSelect.replaceChildren(...s.parameters.filter((p) => !p.fixed)
      .map((p) => el('option', { value: p.name, text: p.name })));
  if (s.poi) scanSelect.value = s.poi;
  updateScanRange();
}

function updateScanRange() {
  const p = state.summary?.parameters.find((q) =>
    q.name === $('#scan-parameter').value);
  if (!p) return;
  const fit = state.results.fit;
  const i = fit?.parameters.indexOf(p.name) ?? -1;
  if (i >= 0 && fit.uncertainties?.[i] > 0) {
    const lo = Math.max(p.lower, fit.bestfit[i] - 3 * fit.uncertainties[i]);
    const hi = Math.min(p.upper, fit.bestfit[i] + 3 * fit.uncertainties[i]);
    $('#scan-from').value = Number(lo.toPrecision(3));
    $('#scan-to').value = Number(hi.toPrecision(3));
  } else if (p.name === state.summary.poi) {
    $('#scan-from').value = Math.max(p.lower, 0);
    $('#scan-to').value = Math.min(p.upper, 3);
  } else {
    $('#scan-from').value = Math.max(p.lower, p.init - 3);
    $('#scan-to').value = Math.min(p.upper, p.init + 3);
  }
}

// ---------------------------------------------------------------- patches

function renderPatchList() {
  const box = $('#patch-box');
  box.hidden = state.patches.length === 0;
  $('#all-patches').disabled = state.patches.length < 2;
  const filter = $('#patch-search').value.trim().toLowerCase();
  const shown = state.patches.filter((p) =>
    p.label.toLowerCase().includes(filter));
  const list = $('#patch-list');
  list.replaceChildren(...shown.slice(0, 2000).map((p) =>
    el('option', { value: p.id, text: p.values?.length ?
        `${p.label}  (${p.values.join(', ')})` : p.label,
    selected: p === state.patch })));
  $('#patch-count').textContent =
      `${shown.length} of ${state.patches.length} patches` +
      (state.patch ? `; applied: ${state.patch.label}` : '');
}

// ---------------------------------------------------------------- actions

async function runFit() {
  await busy('Fit', async (report) => {
    const fit = await state.session.run('fit', [{}], { onProgress: report });
    state.results.fit = fit;
    renderHealth(fit);
    renderResults();
    const pulls = await state.session.run('pulls', [{}],
                                          { onProgress: report });
    state.results.pulls = pulls;
    renderResults();
    updateScanRange();
  });
  showView(state.view === 'model' ? 'fit' : state.view);
}

async function runScan() {
  const name = $('#scan-parameter').value;
  const from = Number($('#scan-from').value);
  const to = Number($('#scan-to').value);
  const points = Math.max(3, Math.min(201, Number($('#scan-points').value)));
  await busy(`Scan of ${name}`, async (report) => {
    state.results.scan = await state.session.run('scan',
        [name, { from, to, points }, {}], { onProgress: report });
  });
  renderResults();
  showView('scan');
}

// The upper limit, then CLs on a grid around it for the Brazil plot.
async function runCls() {
  const testPoi = Number($('#test-poi').value) || 1;
  await busy('CLs and limits', async (report) => {
    const hypotest = await state.session.run('hypotest', [testPoi, {}]);
    state.results.hypotest = hypotest;
    renderHealthWarnings(hypotest);
    renderResults();
    const limit = await state.session.run('upperLimit', [{}]);
    state.results.limit = limit;
    renderResults();
    const poi = state.summary.parameters[state.summary.parameters
        .findIndex((p) => p.name === state.summary.poi)];
    const top = Math.min(poi?.upper ?? 10, 1.5 * Math.max(
        ...[limit.obs, limit.exp?.[3]].filter(Number.isFinite), testPoi));
    const n = 16;
    const curve = [];
    for (let k = 0; k < n; ++k) {
      const mu = top * (k + 0.25) / n;
      report({ done: k, total: n, what: 'Brazil band' });
      const h = await state.session.run('hypotest', [mu, {}]);
      curve.push({ mu, CLs_obs: h.CLs_obs, CLs_exp: h.CLs_exp });
    }
    state.results.clsCurve = curve;
  });
  renderResults();
  showView('cls');
}

async function runSimple(op, view, what) {
  await busy(what, async (report) => {
    state.results[op] = await state.session.run(op, [{}],
                                                { onProgress: report });
  });
  renderResults();
  showView(view);
}

async function runAllPatches() {
  const first = state.patches[0]?.patch;
  if (!first) return;
  const rows = [];
  state.results.all = { rows, testPoi: 1 };
  showView('all');
  const patchset = typeof first === 'object' ? first.patchset : null;
  const patchFiles = patchset ? null : state.patches.map((p) => ({
    name: p.label, values: p.values, text: p.patch }));
  const values = new Map(state.patches.map((p) => [p.label, p.values]));
  let shown = 0;
  await busy(`CLs for ${state.patches.length} patches`, (report) =>
    state.session.runPatches({
      workspace: state.workspace.text, patchset, patchFiles,
      options: state.options, poi: 1, onProgress: report,
      onResult: (entry) => {
        rows.push({ patch: entry.patch,
          values: entry.values?.length ? entry.values :
              values.get(entry.patch),
          cls: entry.result, error: entry.error });
        if (++shown % 4 === 0) renderAll();
      },
    }));
  renderAll();
}

// ---------------------------------------------------------------- results

function renderHealth(fit) {
  const health = fitHealth(fit);
  const banner = $('#health');
  banner.hidden = false;
  banner.dataset.level = health.level;
  const icon = { ok: '✓', warn: '⚠', bad: '✗' }[health.level];
  banner.replaceChildren(
      el('strong', { 'data-testid': 'health-title',
                     text: `${icon} ${health.title}` }),
      el('ul', {}, health.lines.map((line) => el('li', { text: line }))),
      health.message ? el('p', { class: 'muted', text: health.message }) :
        null);
}

function renderHealthWarnings(result) {
  if (state.results.fit) return;
  const warnings = result.warnings ?? [];
  const banner = $('#health');
  banner.hidden = false;
  banner.dataset.level = warnings.length ? 'warn' : 'ok';
  banner.replaceChildren(
      el('strong', { 'data-testid': 'health-title', text: warnings.length ?
          '⚠ Fits behind this result had warnings' :
          '✓ All fits behind this result converged' }),
      el('ul', {}, (warnings.length ? warnings : ['no warnings'])
          .map((w) => el('li', { text: typeof w === 'string' ? w :
              JSON.stringify(w) }))));
}

function destroyPlot(key) {
  state.plots.get(key)?.destroy();
  state.plots.delete(key);
}

function exportBar(key, json, fileBase, tableNode) {
  return el('div', { class: 'export' },
      el('button', { type: 'button', class: 'small', onclick: () => {
        const plot = state.plots.get(key);
        if (!plot) return;
        plot.canvas.toBlob((blob) => download(`${fileBase}.png`, blob));
      } }, 'PNG'),
      el('button', { type: 'button', class: 'small', onclick: () =>
        download(`${fileBase}.json`, JSON.stringify(json, null, 2)) },
      'JSON'),
      tableNode ? el('button', { type: 'button', class: 'small',
        onclick: async (e) => {
          const ok = await copyText(tableText(tableNode));
          e.target.textContent = ok ? 'Copied' : 'Copy failed';
          setTimeout(() => { e.target.textContent = 'Copy table'; }, 1500);
        } }, 'Copy table') : null);
}

// Fills one view: a plot (made by draw(div)), a table and the export bar.
function fill(view, key, { json, draw, tableNode, note, fileBase }) {
  const box = $(`#view-${view} .${key}`);
  destroyPlot(key);
  if (!json) {
    box.replaceChildren();
    return;
  }
  const plotDiv = el('div', { class: 'plot' });
  box.replaceChildren(note ?? '', plotDiv,
                      exportBar(key, json, fileBase ?? key, tableNode),
                      tableNode ? el('div', { class: 'table-box' }, tableNode)
                        : '');
  if (draw) {
    requestAnimationFrame(() => {
      try {
        const plot = draw(plotDiv);
        if (plot) state.plots.set(key, plot);
      } catch (error) {
        plotDiv.textContent = `plot failed: ${error.message}`;
      }
    });
  }
}

function renderResults() {
  const r = state.results;
  document.body.dataset.results = Object.keys(r).join(' ');
  if (!r.fit && !r.hypotest) $('#health').hidden = true;
  renderFit(r.fit, r.pulls);
  renderScan(r.scan);
  renderCls(r.hypotest, r.limit, r.clsCurve);
  renderSignificance(r.significance);
  renderRanking(r.ranking);
  renderYields(r.yields);
  renderAll();
}

function renderFit(fit, pulls) {
  fill('fit', 'bestfit', fit ? {
    json: fit, fileBase: 'fit',
    note: el('p', {}, `2 NLL = `, el('span', { 'data-testid': 'twice-nll',
      text: num(fit.twice_nll, 10) })),
    tableNode: table(['parameter', 'best fit', 'error'],
        fit.parameters.map((name, i) => [name, fit.bestfit[i],
          fit.uncertainties?.[i]]), { caption: 'Best fit with Hessian ' +
          'errors', testid: 'bestfit' }),
  } : {});
  fill('fit', 'pulls', pulls ? {
    json: pulls, fileBase: 'pulls',
    draw: (div) => plots.pullPlot(div, pulls),
    tableNode: table(['parameter', 'pull', 'constraint', 'value', 'error'],
        pulls.pulls.filter((p) => p.constrained).map((p) => [p.name, p.pull,
          p.constraint, p.value, p.error]), { caption: 'Pulls ' +
          '(θ̂ − θ₀)/Δθ and post-fit constraints', testid: 'pulls' }),
  } : {});
  renderCorrelation(fit);
}

function renderCorrelation(fit) {
  const box = $('#view-corr .corr');
  destroyPlot('corr');
  if (!fit?.correlations) {
    box.replaceChildren();
    return;
  }
  const filter = $('#corr-filter').value.trim().toLowerCase();
  const minimum = Number($('#corr-min').value) || 0;
  const free = fit.parameters.map((n, i) => i)
      .filter((i) => fit.uncertainties?.[i] > 0)
      .filter((i) => fit.parameters[i].toLowerCase().includes(filter))
      .filter((i) => minimum === 0 || fit.parameters.some((_, j) =>
        j !== i && Math.abs(fit.correlations[i][j]) >= minimum));
  const names = free.map((i) => fit.parameters[i]);
  const matrix = free.map((i) => free.map((j) => fit.correlations[i][j]));
  const pairs = [];
  for (let a = 0; a < free.length; ++a) {
    for (let b = a + 1; b < free.length; ++b) {
      if (Math.abs(matrix[a][b]) >= Math.max(minimum, 0.1)) {
        pairs.push([`${names[a]} ↔ ${names[b]}`, matrix[a][b]]);
      }
    }
  }
  pairs.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
  const plotDiv = el('div', { class: 'plot' });
  const tableNode = table(['pair', 'correlation'], pairs.slice(0, 200),
      { caption: `Largest correlations (|ρ| ≥ ${Math.max(minimum, 0.1)})`,
        testid: 'correlations' });
  box.replaceChildren(
      el('p', { class: 'muted', text: `${names.length} parameters shown; ` +
          'red positive, blue negative (with a minus mark in small cells)' }),
      plotDiv,
      exportBar('corr', { parameters: names, correlations: matrix },
                'correlations', tableNode),
      el('div', { class: 'table-box' }, tableNode));
  requestAnimationFrame(() => {
    state.plots.set('corr', plots.heatmap(plotDiv, names, matrix));
  });
}

function renderScan(scan) {
  fill('scan', 'scan', scan ? {
    json: scan, fileBase: 'scan',
    note: el('p', {}, `${scan.parameter}: best fit ${num(scan.bestfit)}; ` +
        `68% interval [${num(scan.interval_68?.[0])}, ` +
        `${num(scan.interval_68?.[1])}], 95% interval ` +
        `[${num(scan.interval_95?.[0])}, ${num(scan.interval_95?.[1])}]`),
    draw: (div) => plots.scanPlot(div, scan),
    tableNode: table([scan.parameter, '−2 Δ ln L', 'status'],
        scan.points.map((p) => [p.value, p.delta_twice_nll, p.status]),
        { caption: 'Profile-likelihood scan', testid: 'scan' }),
  } : {});
}

function renderCls(hypotest, limit, curve) {
  const box = $('#view-cls .numbers');
  box.replaceChildren();
  if (hypotest) {
    const bands = ['−2σ', '−1σ', 'median', '+1σ', '+2σ'];
    box.append(table(['', 'observed', ...bands.map((b) => `expected ${b}`)],
        [[`CLs at μ = ${num(hypotest.test_poi)}`, hypotest.CLs_obs,
          ...hypotest.CLs_exp],
        ...(limit ? [[`upper limit (${Math.round((limit.cl ?? 0.95) * 100)}% ` +
            'CL)', limit.obs, ...limit.exp]] : [])],
        { caption: 'CLs and upper limits', testid: 'cls' }));
    box.querySelector('tbody tr td').dataset.testid = 'cls-obs';
    if (limit) {
      box.querySelector('tbody tr:nth-child(2) td').dataset.testid =
          'limit-obs';
      if (limit.message) box.append(el('p', { class: 'warn',
                                              text: limit.message }));
    }
    box.append(exportBar('cls', { hypotest, limit }, 'cls',
                         box.querySelector('table')));
  }
  fill('cls', 'brazil', curve ? {
    json: curve, fileBase: 'cls-curve',
    draw: (div) => plots.clsPlot(div, curve, limit?.cl ?? 0.95, limit),
    tableNode: table(['μ', 'CLs obs', 'exp −2σ', 'exp −1σ', 'exp',
      'exp +1σ', 'exp +2σ'], curve.map((p) => [p.mu, p.CLs_obs,
      ...p.CLs_exp]), { caption: 'CLs against μ', testid: 'cls-curve' }),
  } : {});
}

function renderSignificance(sig) {
  fill('signif', 'signif', sig ? {
    json: sig, fileBase: 'significance',
    tableNode: table(['', 'observed', 'expected'], [
      ['Z (σ)', sig.Z, sig.Z_exp], ['p0', sig.p0, sig.p0_exp],
      ['q0', sig.q0, sig.q0_asimov], ['μ̂', sig.mu_hat, '']],
    { caption: 'Discovery significance (q0, asymptotic)',
      testid: 'significance' }),
  } : {});
}

function renderRanking(ranking) {
  fill('ranking', 'ranking', ranking ? {
    json: ranking, fileBase: 'ranking',
    note: el('p', {}, `${ranking.poi} = ${num(ranking.poi_value)} ± ` +
        `${num(ranking.poi_error)}; the 20 largest impacts are drawn.` +
        (ranking.ranking.every((r) => [...r.impact_prefit,
          ...r.impact_postfit].every((x) => Math.abs(x) < 1e-9 *
            (ranking.poi_error || 1))) ? ` Every impact is zero: ` +
          `${ranking.poi} stays at its bound whichever parameter moves.` :
          '')),
    draw: (div) => plots.rankingPlot(div, ranking),
    tableNode: table(['parameter', 'pre-fit +', 'pre-fit −', 'post-fit +',
      'post-fit −', 'value', 'error'], ranking.ranking.map((r) => [r.name,
      ...r.impact_prefit, ...r.impact_postfit, r.value, r.error]),
    { caption: 'Impacts on the POI', testid: 'ranking' }),
  } : {});
}

function renderYields(yields) {
  const box = $('#view-yields .yields');
  for (const key of [...state.plots.keys()]) {
    if (key.startsWith('yields:')) destroyPlot(key);
  }
  box.replaceChildren();
  if (!yields) return;
  const which = $('#yields-which').value;
  box.append(exportBar('yields', yields, 'yields', null));
  for (const channel of yields.channels) {
    const key = `yields:${channel.name}`;
    const plotDiv = el('div', { class: 'plot' });
    const rows = [];
    for (const s of channel.samples) {
      rows.push([s.name, ...s[which].map((v, i) =>
        `${num(v)} ± ${num(s[`${which}_error`][i], 2)}`)]);
    }
    rows.push(['total', ...channel[`${which}_total`].map((v, i) =>
      `${num(v)} ± ${num(channel[`${which}_total_error`][i], 2)}`)]);
    rows.push(['data', ...channel.data]);
    const tableNode = table(['sample', ...channel.data.map((_, i) =>
      `bin ${i}`)], rows, { caption: `${channel.name} (${which})`,
      testid: `yields-${channel.name}` });
    box.append(el('h3', { text: channel.name }), plotDiv,
        plots.swatchLegend(channel.samples.map((sample) => sample.name)),
        el('div', { class: 'export' }, el('button', { type: 'button',
          class: 'small', onclick: () => state.plots.get(key)?.canvas
              .toBlob((b) => download(`yields-${channel.name}.png`, b)) },
        'PNG')), tableNode);
    requestAnimationFrame(() => state.plots.set(key,
        plots.yieldsPlot(plotDiv, channel, which)));
  }
}

function renderAll() {
  const all = state.results.all;
  const box = $('#view-all .all');
  destroyPlot('all');
  if (!all) {
    box.replaceChildren();
    return;
  }
  const rows = [...all.rows].sort((a, b) => a.patch.localeCompare(b.patch,
      undefined, { numeric: true }));
  const tableNode = table(['patch', 'values', 'CLs obs', 'CLs exp',
    'excluded'], rows.map((r) => r.error ? [r.patch, r.values?.join(', '),
    'error', r.error.detail ?? r.error.message, ''] : [r.patch,
    r.values?.join(', '), r.cls.CLs_obs, r.cls.CLs_exp[2],
    r.cls.CLs_obs < 0.05 ? 'yes' : 'no']), { caption: `CLs at μ = 1 for ` +
    `${rows.length} of ${state.patches.length} patches`,
  testid: 'all-patches' });
  const twoValues = rows.some((r) => r.values?.length >= 2);
  const plotDiv = el('div', { class: 'plot' });
  const json = rows.map((r) => ({ patch: r.patch, values: r.values,
    ...(r.error ? { error: { code: r.error.code, path: r.error.path,
      message: r.error.detail } } : r.cls) }));
  box.replaceChildren(twoValues ? plotDiv : '',
      exportBar('all', json, 'all-patches', tableNode),
      el('div', { class: 'table-box' }, tableNode));
  if (twoValues) {
    const labels = state.bundle?.labels ?? ['value 1', 'value 2'];
    state.plots.set('all', plots.exclusionMap(plotDiv, rows, { labels }));
  }
}

// ---------------------------------------------------------------- views

function showView(view) {
  state.view = view;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  for (const panel of document.querySelectorAll('[role="tabpanel"]')) {
    panel.hidden = panel.id !== `view-${view}`;
  }
  share();
}

// #model=URL&patch=NAME&view=VIEW: enough to reopen the same result.
function share() {
  const params = new URLSearchParams();
  if (state.modelUrl) params.set('model', state.modelUrl);
  if (state.patch) params.set('patch', state.patch.label);
  if (state.view && state.view !== 'model') params.set('view', state.view);
  const hash = params.toString();
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname +
                       location.search);
}

async function loadCatalogue() {
  try {
    const response = await fetch(new URL('models/catalogue.json',
                                          location.href));
    const catalogue = await response.json();
    const select = $('#catalogue');
    for (const entry of catalogue.models) {
      const value = entry.local ? 'default' : entry.url ?? '';
      select.append(el('option', { value, disabled: !value,
        text: `${entry.name}${entry.local ? '' : ` (HEPData ${entry.hepdata}` +
            `${value ? '' : ': download from the record page'})`}` }));
    }
  } catch {
    // Offline without the catalogue file: the built-in model still works.
  }
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('#file').addEventListener('change', (e) => openFiles(e.target.files));
  $('#open-url').addEventListener('submit', (e) => {
    e.preventDefault();
    openUrl($('#url').value.trim());
  });
  $('#catalogue').addEventListener('change', (e) => {
    const value = e.target.value;
    if (value === 'default') openDefault();
    else if (value) openUrl(new URL(value, location.href).href);
  });
  const drop = document.body;
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  drop.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    openFiles(e.dataTransfer.files);
  });
  $('#workspace-select').addEventListener('change', (e) =>
    chooseWorkspace(Number(e.target.value)));
  $('#patch-search').addEventListener('input', renderPatchList);
  $('#patch-list').addEventListener('change', (e) => {
    state.patch = state.patches.find((p) => p.id === e.target.value) ?? null;
    renderPatchList();
    openModel();
  });
  for (const id of ['normsys', 'histosys']) {
    $(`#${id}`).addEventListener('change', (e) => {
      state.options[id] = e.target.value;
      openModel();
    });
  }
  $('#scan-parameter').addEventListener('change', updateScanRange);
  $('#run-fit').addEventListener('click', runFit);
  $('#run-scan').addEventListener('click', runScan);
  $('#run-cls').addEventListener('click', runCls);
  $('#run-signif').addEventListener('click', () =>
    runSimple('significance', 'signif', 'Discovery significance'));
  $('#run-ranking').addEventListener('click', () =>
    runSimple('ranking', 'ranking', 'Impact ranking'));
  $('#run-yields').addEventListener('click', () =>
    runSimple('yields', 'yields', 'Pre- and post-fit yields'));
  $('#all-patches').addEventListener('click', runAllPatches);
  $('#cancel').addEventListener('click', cancel);
  $('#corr-filter').addEventListener('input', () =>
    renderCorrelation(state.results.fit));
  $('#corr-min').addEventListener('change', () =>
    renderCorrelation(state.results.fit));
  $('#yields-which').addEventListener('change', () =>
    renderYields(state.results.yields));
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => showView(tab.dataset.view));
    tab.addEventListener('keydown', (e) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1,
                     ArrowUp: -1 }[e.key];
      if (!step) return;
      e.preventDefault();
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      showView(next.dataset.view);
    });
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.dataset.busy === '1') cancel();
  });
  $('#workers').textContent = String(state.session.size);
}

async function start() {
  wire();
  renderModel();
  loadCatalogue();
  const params = new URLSearchParams(location.hash.slice(1));
  const view = params.get('view');
  showView(view ?? 'model');
  if (params.get('model')) {
    await openUrl(params.get('model'), params.get('patch') ?? '');
  } else {
    await openDefault(params.get('patch') ?? '');
  }
  if (view) showView(view);
  document.body.dataset.ready = '1';
}

start();
