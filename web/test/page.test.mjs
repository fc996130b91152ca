// Browser tests of the page: Debian's Chromium driven by playwright-core
// against web/dist/ served on 127.0.0.1 (run web/build.sh first).
//
//   node --test web/test/
//
// A real ATLAS likelihood (SUSY-2018-31 sbottom, region A, with its signal
// patch) is opened through the file input, fitted, and its CLs and upper
// limit are compared with pyhf's golden numbers. Screenshots go to
// web/test/screenshots/ (HS3WEB_SCREENSHOTS overrides).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { serve } from '../serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '..', 'dist');
const golden = process.env.HS3_GOLDEN ?? '/work/shared/golden';
const shots = process.env.HS3WEB_SCREENSHOTS ?? join(here, 'screenshots');
const sbottom = join(golden, 'workspaces/atlas/SUSY-2018-31_sbottom/RegionA');
const goldenCase = JSON.parse(readFileSync(join(golden, 'pyhf_golden.json'),
                                           'utf8'))
    .cases.atlas_susy_2018_31_sbottom_regionA_1300_205_60;

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic',
               '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'];

let server;
let browser;
let base;
const timings = {};

function relative(a, b) {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

async function newPage(viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(new Error(m.text()));
  });
  await page.goto(`${base}/index.html`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return page;
}

// Waits until no action runs and returns the status line.
async function idle(page, timeout = 60000) {
  await page.waitForFunction(() => document.body.dataset.busy === '0',
                             null, { timeout });
  return page.textContent('#status');
}

async function openSbottom(page) {
  const started = Date.now();
  await page.setInputFiles('#file', [join(sbottom, 'BkgOnly.json'),
    join(sbottom, 'patch.sbottom_1300_205_60.json')]);
  await page.waitForFunction(() => document.body.dataset.model === 'ready' &&
      document.querySelector('#source-label').textContent.includes('patch'),
  null, { timeout: 60000 });
  return started;
}

// The whole page, from the top, once the plots have been drawn.
async function shot(page, name) {
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

const skip = !existsSync(chromiumPath) ? `no browser at ${chromiumPath}` :
    !existsSync(join(dist, 'index.html')) ? 'web/dist is missing: run ' +
        'web/build.sh' :
        !existsSync(sbottom) ? `no golden files at ${golden}` : false;

describe('the hs3web page', { skip }, () => {
  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await serve({ dir: dist,
      extra: { '/golden/': join(golden, 'workspaces') } });
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: chromiumPath,
                                      headless: true, args: flags });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (Object.keys(timings).length) {
      console.log(`timings (s): ${JSON.stringify(timings)}`);
    }
  });

  test('opens the built-in model offline and shows it at a glance',
      async () => {
        const page = await newPage();
        const facts = await page.textContent('[data-testid="model-facts"]');
        assert.match(facts, /channels\s*2/);
        assert.match(facts, /POI\s*mu/);
        const modifiers = await page.textContent('[data-testid="modifiers"]');
        for (const type of ['normsys', 'shapesys', 'staterror', 'lumi']) {
          assert.ok(modifiers.includes(type), `modifier ${type} listed`);
        }
        await page.screenshot({ path: join(shots, 'model-1280.png') });
        await page.setViewportSize({ width: 390, height: 844 });
        await shot(page, 'model-390.png');
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
        assert.deepEqual(page.errors.map(String), []);
        await page.close();
      });

  test('a shared link reopens the model URL, the patch and the view',
      async () => {
        let page = await browser.newPage();
        const model = `${base}/golden/atlas/SUSY-2018-06_3L-eRJR/` +
            'patchset.json';
        const hash = new URLSearchParams({ model, patch: 'ERJR_300p0_50p0',
                                           view: 'corr' });
        // A patchset alone has no workspace: the page says so.
        await page.goto(`${base}/index.html#${hash}`);
        await page.waitForSelector('body[data-ready="1"]');
        assert.match(await page.textContent('#error'), /no workspace/);
        await page.close();
        page = await browser.newPage();
        await page.goto(`${base}/index.html#${new URLSearchParams({
          model: `${base}/models/default.json`, view: 'corr' })}`);
        await page.waitForSelector('body[data-ready="1"]');
        assert.equal(await page.getAttribute('[data-view="corr"]',
                                             'aria-selected'), 'true');
        assert.match(await page.textContent('#source-label'),
                     /models\/default\.json/);
        await page.close();
      });

  test('ATLAS sbottom region A: fit, CLs and limit match pyhf', async () => {
    const page = await newPage();
    const opened = await openSbottom(page);
    timings.open_sbottom = (Date.now() - opened) / 1000;
    const patchInfo = await page.textContent('#patch-count');
    assert.match(patchInfo, /applied: sbottom_1300_205_60/);

    await page.click('#run-fit');
    // The health banner comes before any number of the fit.
    await page.waitForSelector('#health:not([hidden])', { timeout: 60000 });
    const order = await page.evaluate(() => {
      const banner = document.querySelector('#health');
      const table = document.querySelector('[data-testid="bestfit"]');
      return table === null ? 'banner first, no table yet' :
          banner.compareDocumentPosition(table) &
          Node.DOCUMENT_POSITION_FOLLOWING ? 'banner before table' :
            'table before banner';
    });
    assert.notEqual(order, 'table before banner');
    await idle(page);
    timings.drop_to_fit_sbottom = (Date.now() - opened) / 1000;
    const title = await page.textContent('[data-testid="health-title"]');
    assert.match(title, /Fit converged/);
    const health = await page.textContent('#health');
    assert.match(health, /EDM/);
    assert.match(health, /covariance/);
    assert.match(health, /bound/);
    const twiceNll =
        Number(await page.textContent('[data-testid="twice-nll"]'));
    assert.ok(twiceNll <= goldenCase.mle.twice_nll + 1e-3,
              `2NLL ${twiceNll} vs pyhf ${goldenCase.mle.twice_nll}`);
    assert.ok(twiceNll > goldenCase.mle.twice_nll - 1e-2);
    await page.waitForSelector('[data-testid="pulls"]');
    await shot(page, 'fit-1280.png');

    await page.click('[data-view="corr"]');
    await page.fill('#corr-filter', 'mu');
    await shot(page, 'correlations-1280.png');

    const clsStarted = Date.now();
    await page.click('#run-cls');
    const obs = await page.waitForSelector('[data-testid="cls-obs"]',
                                           { timeout: 60000 });
    const clsObs = Number(await obs.getAttribute('data-value'));
    const want = goldenCase.hypotest_mu1_qtilde.CLs_obs;
    assert.ok(relative(clsObs, want) < 1e-3, `CLs_obs ${clsObs} vs ${want}`);
    const status = await idle(page, 120000);
    assert.match(status, /done/);
    timings.cls_limit_band_sbottom = (Date.now() - clsStarted) / 1000;
    const limitObs = Number(await page.getAttribute(
        '[data-testid="limit-obs"]', 'data-value'));
    const wantLimit = goldenCase.upper_limit_95.toms748.obs;
    assert.ok(relative(limitObs, wantLimit) < 1e-3,
              `limit ${limitObs} vs ${wantLimit}`);
    await page.waitForSelector('#view-cls .brazil canvas');
    await shot(page, 'cls-1280.png');

    // The URL records the patch and the view.
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
    assert.equal(hash.get('patch'), 'sbottom_1300_205_60');
    assert.equal(hash.get('view'), 'cls');

    await page.click('#run-scan');
    await page.waitForSelector('[data-testid="scan"]', { timeout: 60000 });
    await idle(page);
    await shot(page, 'scan-1280.png');

    await page.click('#run-yields');
    await page.waitForSelector('#view-yields table', { timeout: 60000 });
    await idle(page);
    await shot(page, 'yields-1280.png');

    await page.click('#run-signif');
    await page.waitForSelector('[data-testid="significance"]',
                               { timeout: 60000 });
    await idle(page);
    const rankingStarted = Date.now();
    await page.click('#run-ranking');
    await page.waitForSelector('[data-testid="ranking"]', { timeout: 120000 });
    await idle(page, 120000);
    timings.ranking_sbottom = (Date.now() - rankingStarted) / 1000;
    await shot(page, 'impacts-1280.png');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-view="cls"]');
    await shot(page, 'cls-390.png');
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
    assert.deepEqual(page.errors.map(String), []);
    await page.close();
  });

  // The other ATLAS cases: time from opening the files to the fit result,
  // and CLs_obs against pyhf (the 3L case against the robust reference,
  // since pyhf's own fit stops early there: see pyhf_golden.json).
  const cases = [
    ['sbottom region B', 'atlas_susy_2018_31_sbottom_regionB_1400_550_60',
      'SUSY-2018-31_sbottom/RegionB', ['BkgOnly.json',
        'patch.sbottom_1400_550_60.json'], null],
    ['sbottom region C', 'atlas_susy_2018_31_sbottom_regionC_1600_850_60',
      'SUSY-2018-31_sbottom/RegionC', ['BkgOnly.json',
        'patch.sbottom_1600_850_60.json'], null],
    ['3L eRJR', 'atlas_susy_2018_06_3L_eRJR_ERJR_200p0_100p0',
      'SUSY-2018-06_3L-eRJR', ['BkgOnly.json', 'patchset.json'],
      'ERJR_200p0_100p0'],
  ];
  for (const [label, key, folder, files, patch] of cases) {
    test(`ATLAS ${label}: fit and CLs`, async () => {
      const want = JSON.parse(readFileSync(join(golden, 'pyhf_golden.json'),
                                           'utf8')).cases[key];
      const reference = want.robust_reference_not_pyhf_output?.CLs_obs ??
          want.hypotest_mu1_qtilde.CLs_obs;
      const page = await newPage();
      const dir = join(golden, 'workspaces/atlas', folder);
      const started = Date.now();
      await page.setInputFiles('#file', files.map((f) => join(dir, f)));
      await page.waitForFunction(() => document.body.dataset.busy === '0' &&
          /BkgOnly/.test(document.querySelector('#source-label').textContent),
      null, { timeout: 60000 });
      if (patch) {
        await page.selectOption('#patch-list', `patchset.json:${patch}`);
        await page.waitForFunction((name) => document.querySelector(
            '#patch-count').textContent.includes(`applied: ${name}`), patch);
        await idle(page);
      }
      await page.click('#run-fit');
      await page.waitForSelector('[data-testid="twice-nll"]',
                                 { timeout: 60000 });
      timings[`drop_to_fit_${label}`] = (Date.now() - started) / 1000;
      await idle(page);
      await page.click('#run-cls');
      const obs = await page.waitForSelector('[data-testid="cls-obs"]',
                                             { timeout: 60000 });
      const cls = Number(await obs.getAttribute('data-value'));
      assert.ok(relative(cls, reference) < 1e-3,
                `CLs_obs ${cls} vs ${reference}`);
      page.errors.length = 0;
      await page.close();
    });
  }

  test('stays responsive during a long run, and cancel stops it',
      async () => {
        const page = await newPage();
        await openSbottom(page);
        await page.click('#run-ranking');
        await page.waitForFunction(() => document.body.dataset.busy === '1');
        await page.waitForTimeout(300);
        // A click is handled at once while the workers compute.
        const latency = await page.evaluate(() => new Promise((resolve) => {
          const tab = document.querySelector('[data-view="model"]');
          const t0 = performance.now();
          tab.addEventListener('click', () => resolve(performance.now() - t0),
                               { once: true });
          tab.click();
        }));
        assert.ok(latency < 200, `click handled after ${latency} ms`);
        assert.equal(await page.getAttribute('[data-view="model"]',
                                             'aria-selected'), 'true');
        assert.equal(await page.evaluate(() => document.body.dataset.busy),
                     '1', 'the ranking is still running');
        await page.keyboard.press('Escape');
        const status = await idle(page, 10000);
        assert.match(status, /cancelled/);
        // The model comes back for the next action.
        await page.click('#run-fit');
        assert.match(await idle(page), /Fit done/);
        assert.deepEqual(page.errors.map(String), []);
        await page.close();
      });

  test('bad input shows the message with its JSON path; the page goes on',
      async () => {
        const page = await newPage();
        const broken = JSON.parse(readFileSync(join(sbottom, 'BkgOnly.json'),
                                               'utf8'));
        broken.channels[0].samples[1].data = 'not a list';
        await page.setInputFiles('#file', { name: 'broken.json',
          mimeType: 'application/json',
          buffer: Buffer.from(JSON.stringify(broken)) });
        await page.waitForSelector('#error:not([hidden])', { timeout: 30000 });
        const path = await page.textContent('[data-testid="error-path"]');
        assert.match(path, /channels\[0\]\.samples\[1\]/);
        await page.screenshot({ path: join(shots, 'error-1280.png') });

        await page.setInputFiles('#file', { name: 'truncated.json',
          mimeType: 'application/json',
          buffer: Buffer.from('{"channels": [') });
        await page.waitForFunction(() => /not valid JSON/.test(
            document.querySelector('#error').textContent));

        // A host that refuses the request gets a message, not a hang.
        await page.fill('#url', 'http://127.0.0.1:9/BkgOnly.json');
        await page.click('#open-url button');
        await page.waitForFunction(() => /cross-origin/.test(
            document.querySelector('#error').textContent));

        // Still usable: the built-in model from the catalogue, then a fit.
        await page.selectOption('#catalogue', 'default');
        await page.waitForFunction(() => document.body.dataset.model ===
                                         'ready');
        await page.click('#run-fit');
        assert.match(await idle(page), /Fit done/);
        assert.ok(await page.isHidden('#error'));
        await page.close();
      });

  test('ATLAS 3L patchset: search the patches, CLs for all of them',
      async () => {
        const dir = join(golden, 'workspaces/atlas/SUSY-2018-06_3L-eRJR');
        const page = await newPage();
        await page.setInputFiles('#file', [join(dir, 'BkgOnly.json'),
          join(dir, 'patchset.json')]);
        await page.waitForFunction(() => document.body.dataset.model ===
            'ready' && document.body.dataset.busy === '0' &&
            /patchset/.test(document.querySelector('#source-label')
                .textContent), null, { timeout: 60000 });
        assert.match(await page.textContent('#patch-count'), /64 of 64/);
        await page.fill('#patch-search', '200p0');
        const shown = await page.locator('#patch-list option').count();
        assert.ok(shown > 0 && shown < 64, `${shown} patches match`);
        await page.selectOption('#patch-list', { index: 0 });
        await page.waitForFunction(() => /applied: ERJR_200p0/.test(
            document.querySelector('#patch-count').textContent));
        await idle(page);
        assert.match(await page.textContent('#patch-count'),
                     /applied: ERJR_200p0/);
        const started = Date.now();
        await page.click('#all-patches');
        await idle(page, 150000);
        timings.all_patches_3L = (Date.now() - started) / 1000;
        const rows = await page.locator('[data-testid="all-patches"] tbody tr')
            .count();
        assert.equal(rows, 64);
        const text = await page.textContent('[data-testid="all-patches"]');
        assert.ok(!/error/.test(text), 'no patch failed');
        await page.waitForSelector('#view-all canvas');
        await shot(page, 'all-patches-1280.png');
        assert.deepEqual(page.errors.map(String), []);
        await page.close();
      });

  test('opens a .tar.gz pallet and a dropped HS3 file; codes switch; ' +
       'keys move between views; JSON export has the CLI shape', async () => {
    const dir = join(golden, 'workspaces/atlas/SUSY-2018-06_3L-eRJR');
    const pallet = join(mkdtempSync(join(tmpdir(), 'hs3web-')), 'pallet.tgz');
    execFileSync('tar', ['-czf', pallet, '-C', dirname(dir),
                         'SUSY-2018-06_3L-eRJR/BkgOnly.json',
                         'SUSY-2018-06_3L-eRJR/patchset.json']);
    const page = await newPage();
    await page.setInputFiles('#file', pallet);
    await page.waitForFunction(() => /64 of 64/.test(
        document.querySelector('#patch-count').textContent), null,
    { timeout: 60000 });
    await idle(page);

    // Drag and drop of an HS3 file written by ROOT (HEPData 155342).
    const hs3 = readFileSync(join(golden, '..', 'hs3/hepdata_155342/hs3.json'),
                             'utf8');
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'hs3.json',
                                  { type: 'application/json' }));
      document.body.dispatchEvent(new DragEvent('drop', {
        dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, hs3);
    await page.waitForFunction(() => document.body.dataset.model ===
        'ready' && document.body.dataset.busy === '0' &&
        document.querySelector('#source-label').textContent === 'hs3.json',
    null, { timeout: 60000 });
    assert.match(await page.textContent('[data-testid="channels"]'),
                 /model_CR11_2L_mu/);
    assert.ok(await page.isHidden('#patch-box'));

    await page.selectOption('#normsys', 'code1');
    await page.waitForFunction(() => document.body.dataset.busy === '0' &&
        document.body.dataset.model === 'ready');
    await page.click('#run-fit');
    assert.match(await idle(page), /Fit done/);

    // Arrow keys move between the views.
    await page.focus('[data-view="fit"]');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('[data-view="corr"]',
                                         'aria-selected'), 'true');
    await page.keyboard.press('ArrowLeft');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#view-fit .bestfit button:has-text("JSON")'),
    ]);
    const fit = JSON.parse(readFileSync(await download.path(), 'utf8'));
    for (const key of ['bestfit', 'uncertainties', 'correlations',
      'parameters', 'twice_nll', 'status', 'edm', 'at_bound']) {
      assert.ok(key in fit, `the exported fit has ${key}`);
    }
    assert.deepEqual(page.errors.map(String), []);
    await page.close();
  });

  test('the <hs3-fit> element renders a compact result', async () => {
    const page = await browser.newPage({ viewport: { width: 1280,
                                                     height: 800 } });
    await page.goto(`${base}/embed-example.html`);
    await page.waitForSelector('hs3-fit[data-state="done"]',
                               { timeout: 60000 });
    const cls = await page.locator('hs3-fit [data-testid="cls-obs"]')
        .getAttribute('data-value');
    assert.ok(Number(cls) > 0 && Number(cls) <= 1, `CLs ${cls}`);
    const text = await page.evaluate(() =>
      document.querySelector('hs3-fit').shadowRoot.textContent);
    assert.match(text, /converged/);
    await page.screenshot({ path: join(shots, 'embed-1280.png') });
    await page.close();
  });
});
