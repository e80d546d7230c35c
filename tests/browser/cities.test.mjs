// Issue 17 on the two city examples built from ../shared/data (examples/chicago and examples/nyc:
// a year and half a year of daily forecasts, so this file runs for minutes; each city is skipped
// with the reason when its data are absent): the findings summary first, each sentence linked to
// its section and matching the tables; no table wider than the page at 1280 px or in print; maps
// with the study outline, scale bar, north arrow and legend classes that all shade something; the
// area map's uncertainty view (hatched where the exposure ratio's interval includes 1).
// SCRUTINEER_CITIES_QUICK=1 shortens each backtest to two weeks, for a quick look by hand.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { cleanUp, launchBrowser, scrutineer, tempDir } from './helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const data = process.env.SCRUTINEER_SHARED_DATA ?? path.join(root, '..', 'shared', 'data');
const examples = {
  chicago: ['chicago/aggravated_assaults_2010_2019.csv', 'chicago/community_areas_acs2014.geojson',
    'chicago/southside_region.geojson'],
  nyc: ['nyc/vehicle_thefts_2014_2017.csv', 'nyc/tracts_acs2008_2012.geojson'],
};

let dir, context;
const pages = {};
const missing = {};

before(async () => {
  dir = tempDir('cities');
  context = await launchBrowser(path.join(dir, 'profile'));
  for (const [name, files] of Object.entries(examples)) {
    const absent = files.filter((f) => !existsSync(path.join(data, f)));
    if (absent.length) {
      missing[name] = `${absent.join(', ')} absent under ${data} (see ../shared/data)`;
      continue;
    }
    const out = path.join(dir, name);
    let recipe = path.join(root, 'examples', name, 'audit.toml');
    if (process.env.SCRUTINEER_CITIES_QUICK) {
      // A quick look (not the CTest run): two weeks of backtest and 100 replicates.
      const text = readFileSync(recipe, 'utf8');
      const at = text.indexOf('[backtest]');
      const quick = text.slice(0, at) + text.slice(at)
        .replace(/^to = "[^"]*"/m, 'to = "2017-01-15"').replace(/^bootstrap = 1000$/gm, 'bootstrap = 100');
      recipe = path.join(dir, `${name}.toml`);
      writeFileSync(recipe, quick);
    }
    scrutineer('-q', 'run', recipe, '--data', data, '--out', out);
    pages[name] = await context.newPage();
    await pages[name].setViewportSize({ width: 1280, height: 900 });
    await pages[name].goto(pathToFileURL(path.join(out, 'report.html')).href);
  }
});

after(async () => {
  await context?.close();
  if (dir) cleanUp(dir);
});

function each(name, fn) {
  return async (t) => {
    if (!pages[name]) return t.skip(missing[name] ?? `${name} did not run`);
    await fn(pages[name]);
  };
}

// Findings present and linked; nothing wider than 1280 px on screen, or than the page in print.
async function layout(page) {
  const findings = await page.locator('section.findings li').count();
  assert.ok(findings >= 3, `${findings} findings`);
  const unlinked = await page.locator('section.findings li').evaluateAll((lis) => lis
    .filter((li) => !document.getElementById(li.querySelector('a')?.getAttribute('href')?.slice(1) ?? ''))
    .map((li) => li.textContent));
  assert.deepEqual(unlinked, []);
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('table')]
      .filter((t) => t.closest('details:not([open])') === null)
      .map((t) => ({ caption: t.caption?.textContent, right: t.getBoundingClientRect().right }))
      .filter((t) => t.right > width + 0.5)
      .concat(document.documentElement.scrollWidth > 1280 ? [{ page: document.documentElement.scrollWidth }] : []);
  });
  assert.deepEqual(wide, []);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 718, height: 1000 });
  const clipped = await page.evaluate(() => [...document.querySelectorAll('table, figure, pre')]
    .filter((e) => getComputedStyle(e).display !== 'none' && e.closest('details') === null)
    .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 718.5)
    .map((e) => e.tagName + ': ' + (e.querySelector('caption, figcaption')?.textContent ?? '')));
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(clipped, []);
}

// A table by its caption: rows of cells' text keyed by the header.
async function tableByCaption(page, caption) {
  return page.evaluate((caption) => {
    const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === caption);
    if (!table) return null;
    const head = [...table.rows[0].cells].map((c) => c.textContent);
    return [...table.rows].slice(1).map((row) =>
      Object.fromEntries([...row.cells].map((c, i) => [head[i], c.textContent])));
  }, caption);
}

// Each sentence of the summary against the accuracy and exposure tables; returns how many matched.
async function findingsMatchTables(page) {
  const sentences = await page.locator('section.findings li').allTextContents();
  const accuracy = Object.fromEntries((await tableByCaption(page, 'At the operating point'))
    .map((r) => [r.model, { hit: Number(r['hit rate']), wrong: Number(r['wrong share']) }]));
  const groups = Object.fromEntries((await tableByCaption(page, 'Exposure by group'))
    .map((r) => [r.group, r]));
  let checked = 0;
  for (const raw of sentences) {
    const s = raw.replace(/\s+/g, ' ');
    let m = /^(?:No evidence that )?(\S+) (?:beats|does worse than) the best baseline, (\S+): hit rate ([\d.]+) against ([\d.]+), a difference of ([-+][\d.]+).*?interval ([-+][\d.]+) to ([-+][\d.]+)/.exec(s);
    if (m) {
      const [, model, base, hit, baseHit, , lo, hi] = m;
      assert.equal(Number(hit), accuracy[model].hit, s);
      assert.equal(Number(baseHit), accuracy[base].hit, s);
      const verdict = s.startsWith('No evidence') ? 'none' : s.includes('does worse') ? 'worse' : 'better';
      assert.equal(verdict, Number(lo) > 0 ? 'better' : Number(hi) < 0 ? 'worse' : 'none', s);
      checked++;
    }
    m = /^([\d.]+)% of the cell-\w+ flagged by (\S+) saw no recorded crime.*baselines' flags: (.*)\. Most/.exec(s);
    if (m) {
      assert.equal(Number(m[1]), Number((accuracy[m[2]].wrong * 100).toFixed(1)), s);
      for (const [, base, share] of m[3].matchAll(/(\S+) ([\d.]+)%/g))
        assert.equal(Number(share), Number((accuracy[base].wrong * 100).toFixed(1)), s);
      checked++;
    }
    m = /^(\S+) \(\S+ flags\): ([\d.]+)% of patrol exposure against ([\d.]+)% of the residents \(ratio ([\d.]+), 95% interval ([\d.]+) to ([\d.]+)\): (more than|less than|no evidence)/.exec(s);
    if (m) {
      const [, group, , popShare, ratio, lo, hi, verdict] = m;
      const row = groups[group];
      assert.ok(row, `${group} is not in the exposure table: ${s}`);
      // The sentence rounds to 3 decimals (shares to 0.1%), the table to 4 significant digits.
      const shown = Number(row['exposure / residents (1 = in proportion)']);
      assert.ok(Math.abs(Number(ratio) - shown) <= 0.0006 + 0.0006 * shown, `${shown}: ${s}`);
      const share = 100 * Number(row['share of residents']);
      assert.ok(Math.abs(Number(popShare) - share) <= 0.051 + 0.0006 * share, `${share}: ${s}`);
      assert.equal(verdict, Number(lo) > 1 ? 'more than' : Number(hi) < 1 ? 'less than' : 'no evidence', s);
      checked++;
    }
  }
  return checked;
}

// Maps: outline, scale bar, north arrow, no legend class that shades nothing; the area map's hatch.
async function maps(page) {
  const found = await page.evaluate(() => [...document.querySelectorAll('figure svg')]
    .filter((svg) => svg.querySelectorAll('path[d]').length >= 10)
    .map((svg) => {
      const shapeFills = new Set([...svg.querySelectorAll('g path[fill]')]
        .filter((p) => !p.classList.contains('outline')).map((p) => p.getAttribute('fill')));
      const legendFills = [...svg.querySelectorAll(':scope > rect[fill]')].map((r) => r.getAttribute('fill'));
      return {
        title: svg.getAttribute('aria-label'),
        outline: svg.querySelectorAll('path.outline').length,
        scaleBar: svg.querySelectorAll('.scale-bar').length,
        north: svg.querySelectorAll('.north-arrow').length,
        empty: legendFills.slice(0, -1).filter((f) => !shapeFills.has(f)),
        hatched: svg.querySelectorAll('path.hatch').length,
        hatchLegend: svg.querySelectorAll('.hatch-legend').length,
        ratioTitles: [...svg.querySelectorAll('title')].filter((t) => /exposure ratio [\d.]+/.test(t.textContent)).length,
      };
    }));
  assert.ok(found.length >= 2, JSON.stringify(found));
  for (const m of found)
    assert.deepEqual([m.outline, m.scaleBar, m.north, m.empty], [1, 1, 1, []], JSON.stringify(m));
  const area = found.find((m) => m.title === 'Patrol exposure per resident by area');
  assert.ok(area && area.ratioTitles > 0, JSON.stringify(found));
  assert.equal(area.hatchLegend, area.hatched > 0 ? 1 : 0, JSON.stringify(area));
}

for (const [name, label] of [['chicago', 'Chicago'], ['nyc', 'NYC']]) {
  test(`${label}: findings match the tables; nothing clipped; maps have outline, scale bar, legend`, each(name, async (page) => {
    await layout(page);
    const checked = await findingsMatchTables(page);
    assert.ok(checked >= 4, `${checked} sentences checked against the tables`);
    await maps(page);
  }));
}
