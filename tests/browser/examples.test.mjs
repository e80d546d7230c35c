// Issue 17 on the examples' reports built from ../shared/data (COMPAS, Manchester; skipped with the
// reason when the data are absent): the findings summary first, each sentence linked to its
// section and matching the tables; no table wider than the page at 1280 px or in print; maps with
// the study outline, scale bar and north arrow.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { cleanUp, launchBrowser, scrutineer, tempDir } from './helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const data = process.env.SCRUTINEER_SHARED_DATA ?? path.join(root, '..', 'shared', 'data');
const examples = { compas: 'compas/compas-scores-two-years.csv',
  manchester: 'manchester/burglary_manchester_2017.csv' };

let dir, context;
const pages = {};

before(async () => {
  dir = tempDir('examples');
  context = await launchBrowser(path.join(dir, 'profile'));
  for (const [name, file] of Object.entries(examples)) {
    if (!existsSync(path.join(data, file))) continue;
    const out = path.join(dir, name);
    scrutineer('-q', 'run', path.join(root, 'examples', name, 'audit.toml'), '--data', data, '--out', out);
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
    if (!pages[name]) return t.skip(`no ${examples[name]} under ${data}`);
    await fn(pages[name]);
  };
}

async function layout(page) {
  const findings = await page.locator('section.findings li').count();
  assert.ok(findings >= 3, `${findings} findings`);
  const unlinked = await page.locator('section.findings li').evaluateAll((lis) => lis
    .filter((li) => !document.getElementById(li.querySelector('a')?.getAttribute('href')?.slice(1) ?? ''))
    .map((li) => li.textContent));
  assert.deepEqual(unlinked, []);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 1280, `page ${wide} px wide`);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 718, height: 1000 });
  const clipped = await page.evaluate(() => [...document.querySelectorAll('table, figure, pre')]
    .filter((e) => getComputedStyle(e).display !== 'none' && e.closest('details') === null)
    .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 718.5)
    .map((e) => e.tagName + ': ' + (e.querySelector('caption, figcaption')?.textContent ?? '')));
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 900 });
  return clipped;
}

test('COMPAS: findings, charts, identity and parities; nothing clipped', each('compas', async (page) => {
  assert.deepEqual(await layout(page), []);
  // The Hispanic FNR case of issue 17: fair by the ratio, yet the test rejects equality.
  const text = (await page.locator('section.findings').textContent()).replace(/\s+/g, ' ');
  const m = /race = Hispanic: false negative rate [^)]*\) ([\d.]+) against ([\d.]+) for the reference group Caucasian \(ratio ([\d.]+)[^)]*\): inside the 0\.8 to 1\.25 rule, so `fair`, but the test rejects equality \(p = ([\d.]+)\)/.exec(text);
  assert.ok(m, text);
  assert.ok(Number(m[4]) < 0.05);
  assert.equal(Number(m[3]).toFixed(2), '1.17');
  assert.ok(await page.locator('svg[aria-label^="False positive rate by group"]').count() >= 1);
  assert.equal(await page.locator('figure svg', { hasText: 'Calibration: outcome rate by score' }).count(), 1);
  assert.ok(await page.locator('text=(the reference group)').count() >= 1);
  assert.ok(await page.locator('caption', { hasText: 'The identity by group' }).count() >= 1);
}));

test('Manchester: findings match the tables; maps have outline, scale bar, north arrow', each('manchester', async (page) => {
  assert.deepEqual(await layout(page), []);
  const text = (await page.locator('section.findings').textContent()).replace(/\s+/g, ' ');
  // Month-only data: the wrong share is per cell-month, beside the baselines'.
  assert.match(text, /% of the cell-months flagged by prohotspot saw no recorded crime .* naive [\d.]+%, random [\d.]+%/);
  const maps = await page.evaluate(() => [...document.querySelectorAll('figure svg')]
    .filter((svg) => svg.querySelectorAll('path[d]').length >= 10)
    .map((svg) => [svg.querySelectorAll('path.outline').length, svg.querySelectorAll('.scale-bar').length,
      svg.querySelectorAll('.north-arrow').length]));
  assert.ok(maps.length >= 2 && maps.every((m) => m.join() === '1,1,1'), JSON.stringify(maps));
}));
