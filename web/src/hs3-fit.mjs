// <hs3-fit>: a compact CLs and upper-limit result for any page, one ES module.
//
//   <script type="module" src="https://…/hs3-fit.js"></script>
//   <hs3-fit src="BkgOnly.json" patch-src="patch.sbottom_1300_205_60.json">
//   <hs3-fit src="pallet.tar.gz" patch="ERJR_500p0_0p0"></hs3-fit>
//   <hs3-fit src="BkgOnly.json" patchset="patchset.json" patch="ERJR_…">
//
// src: a workspace, HS3 file or .tar.gz pallet; patch: a patch's name in the
// pallet or patchset; patch-src: a JSON Patch file; test-poi (default 1);
// page: the full page's address, for the "open in hs3web" link. The engine
// runs in a worker next to this module (worker.mjs, and dist/hs3web.cjs and
// dist/hs3web.wasm below it), as hs3web's worker API places them.
import { Session } from './engine.mjs';
import { fitHealth, num } from './format.mjs';
import { classify, expand, patchesFor } from './sources.mjs';

const style = `
:host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #1b1b1b;
  border: 1px solid #c8c8c8; border-radius: 6px; padding: 8px 12px;
  max-width: 520px; background: #fff; }
h3 { margin: 0 0 4px; font-size: 1rem; }
.health { border-left: 6px solid #1d6b40; padding-left: 6px; margin: 4px 0; }
.health[data-level="warn"] { border-color: #8a5a00; }
.health[data-level="bad"] { border-color: #a3202f; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 1px 8px; text-align: right; border-bottom: 1px solid #eee; }
th:first-child { text-align: left; font-weight: 500; }
.muted { color: #5a5a5a; font-size: 0.85rem; }
.error { color: #a3202f; }
a { color: #1f5aa6; }`;

async function fetchEntries(url) {
  let response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`could not fetch ${url} (network or CORS refusal)`);
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const name = new URL(url, location.href).pathname.split('/').pop();
  const bytes = new Uint8Array(await response.arrayBuffer());
  return expand([{ name, bytes }]);
}

class Hs3Fit extends HTMLElement {
  static observedAttributes = ['src', 'patch', 'patch-src', 'patchset',
    'test-poi'];

  #session = null;
  #root;
  #generation = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
  }

  connectedCallback() { this.#start(); }

  disconnectedCallback() {
    this.#session?.cancel();
    this.#session = null;
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#start();
  }

  #show(html) {
    this.#root.innerHTML = `<style>${style}</style>${html}`;
  }

  async #start() {
    const generation = ++this.#generation;
    const src = this.getAttribute('src');
    if (!src) return;
    const patchName = this.getAttribute('patch') ?? '';
    const title = patchName || src.split('/').pop();
    this.dataset.state = 'running';
    this.#show(`<h3>${escape(title)}</h3><p class="muted" role="status">` +
               'Computing CLs and the upper limit…</p>');
    try {
      const entries = await fetchEntries(new URL(src, location.href).href);
      for (const attr of ['patchset', 'patch-src']) {
        const url = this.getAttribute(attr);
        if (url) {
          entries.push(...await fetchEntries(new URL(url, location.href).href));
        }
      }
      const bundle = classify(entries);
      const patches = bundle.workspaces.flatMap((w) => patchesFor(bundle, w)
          .map((p) => ({ ...p, workspace: w })));
      const patch = patchName ?
          patches.find((p) => p.label === patchName) : patches[0];
      if (patchName && !patch) {
        throw new Error(`no patch named ${patchName} in ${src}`);
      }
      const workspace = patch?.workspace ?? bundle.workspaces[0];
      this.#session?.cancel();
      const session = new Session();
      this.#session = session;
      await session.open({ workspace: workspace.text,
                           patches: patch ? [patch.patch] : [], options: {} });
      const testPoi = Number(this.getAttribute('test-poi') ?? 1);
      const fit = await session.run('fit', [{}]);
      const cls = await session.run('hypotest', [testPoi, {}]);
      const limit = await session.run('upperLimit', [{}]);
      if (generation !== this.#generation) return;
      this.#render(title, fit, cls, limit);
      this.dataset.state = 'done';
      this.dispatchEvent(new CustomEvent('hs3-result',
                                         { detail: { fit, cls, limit } }));
    } catch (error) {
      if (generation !== this.#generation) return;
      this.dataset.state = 'error';
      const where = error.path ? ` (at ${escape(error.path)})` : '';
      this.#show(`<h3>${escape(title)}</h3><p class="error" role="alert">` +
                 `${escape(error.detail ?? error.message)}${where}</p>`);
    }
  }

  #render(title, fit, cls, limit) {
    const health = fitHealth(fit);
    const icon = { ok: '✓', warn: '⚠', bad: '✗' }[health.level];
    const exp = (values) => `${num(values[2])} <span class="muted">` +
        `[${num(values[1])}, ${num(values[3])}]</span>`;
    const page = this.getAttribute('page');
    const link = page ? `<p class="muted"><a href="${escape(page)}#` +
        `${new URLSearchParams({ model: new URL(this.getAttribute('src'),
          location.href).href, patch: this.getAttribute('patch') ?? '',
        view: 'cls' })}">Open in hs3web</a></p>` : '';
    this.#show(`<h3>${escape(title)}</h3>
<div class="health" data-level="${health.level}" part="health">
  <strong>${icon} ${escape(health.title)}</strong>
  <span class="muted">${health.lines.map(escape).join('; ')}</span></div>
<table part="result">
<tr><th></th><th>observed</th><th>expected (±1σ)</th></tr>
<tr><th>CLs at μ = ${num(cls.test_poi)}</th>
  <td data-testid="cls-obs" data-value="${cls.CLs_obs}">${num(cls.CLs_obs)}</td>
  <td>${exp(cls.CLs_exp)}</td></tr>
<tr><th>95% CL limit on μ</th>
  <td data-testid="limit-obs" data-value="${limit.obs}">${num(limit.obs)}</td>
  <td>${exp(limit.exp)}</td></tr>
</table>${link}`);
  }
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

if (!customElements.get('hs3-fit')) customElements.define('hs3-fit', Hs3Fit);
