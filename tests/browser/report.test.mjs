// The demo's report.html opened straight from disk (file://) in Debian's chromium: no console
// error, no failed request, nothing fetched from anywhere, its SVG maps and charts present, its
// findings matching its tables, no table clipped at 1280 px or in print, and a PDF printed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  chromiumPath, cleanUp, figures, isChart, isMap, launchBrowser, runDemo, tempDir, watch,
} from './helpers.mjs';

let dir, context, problems, page;

before(async () => {
  dir = tempDir('report');
  runDemo(path.join(dir, 'demo'));
  context = await launchBrowser(path.join(dir, 'profile'));
  // The report is self-contained: the only thing it may load is itself.
  const report = pathToFileURL(path.join(dir, 'demo', 'results', 'report.html')).href;
  problems = await watch(context, (url) => url === report);
  page = await context.newPage();
  await page.goto(report, { waitUntil: 'load' });
});

after(async () => {
  await context?.close();
  if (dir) cleanUp(dir);
});

test('the report has its maps and charts, drawn at a visible size', async () => {
  const figs = await figures(page);
  assert.ok(figs.length >= 4, `${figs.length} SVG figures`);
  assert.ok(figs.filter(isMap).length >= 2, `maps: ${JSON.stringify(figs.map((f) => f.label))}`);
  assert.ok(figs.filter(isChart).length >= 2, `charts: ${JSON.stringify(figs.map((f) => f.label))}`);
});

test('the report opened with no console error, page error or request', () => {
  assert.deepEqual(problems, { console: [], page: [], failed: [], http: [], outside: [] });
});

// Issue 17: the findings summary at the top says what the tables say, and no more.
test('the findings summary comes first and its sentences match the tables', async () => {
  const order = await page.evaluate(() => {
    const findings = document.querySelector('section.findings');
    const nav = document.querySelector('nav');
    return findings && nav ? findings.compareDocumentPosition(nav) : 0;
  });
  assert.ok(order & 4, 'the findings come before the contents');
  const sentences = await page.locator('section.findings li').allTextContents();
  assert.ok(sentences.length >= 3, `${sentences.length} findings`);
  // The accuracy table: model -> [hit rate, wrong share] as shown.
  const accuracy = await page.evaluate(() => {
    const table = [...document.querySelectorAll('table')]
      .find((t) => t.caption?.textContent === 'At the operating point');
    const head = [...table.rows[0].cells].map((c) => c.textContent);
    const out = {};
    for (const row of [...table.rows].slice(1)) {
      const cells = [...row.cells].map((c) => c.textContent);
      out[cells[0]] = { hit: Number(cells[head.indexOf('hit rate')]),
        wrong: Number(cells[head.indexOf('wrong share')]) };
    }
    return out;
  });
  let checked = 0;
  for (const s of sentences) {
    let m = /^(?:No evidence that )?(\S+) (?:beats|does worse than) the best baseline, (\S+): hit rate ([\d.]+) against ([\d.]+), a difference of ([-+][\d.]+).*?interval ([-+][\d.]+) to ([-+][\d.]+)/.exec(s);
    if (m) {
      const [, model, base, hit, baseHit, , lo, hi] = m;
      assert.equal(Number(hit), accuracy[model].hit, s);
      assert.equal(Number(baseHit), accuracy[base].hit, s);
      // The verdict follows the interval: a claim only when it excludes 0.
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
    m = /against ([\d.]+)% of the residents \(ratio ([\d.]+), 95% interval ([\d.]+) to ([\d.]+)\): (more than|less than|no evidence)/.exec(s);
    if (m) {
      const [, , , lo, hi, verdict] = m;
      const expected = Number(lo) > 1 ? 'more than' : Number(hi) < 1 ? 'less than' : 'no evidence';
      assert.equal(verdict, expected, s);
      checked++;
    }
  }
  assert.ok(checked >= 4, `${checked} sentences checked against the tables`);
  // Every finding links to a section of the page.
  const links = await page.locator('section.findings li a').evaluateAll((as) =>
    as.map((a) => Boolean(document.getElementById(a.getAttribute('href').slice(1)))));
  assert.ok(links.length === sentences.length && links.every(Boolean), JSON.stringify(links));
});

test('no table is wider than the page at 1280 px', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('table')]
      .filter((t) => t.closest('details:not([open])') === null)
      .map((t) => ({ caption: t.caption?.textContent, right: t.getBoundingClientRect().right }))
      .filter((t) => t.right > width + 0.5)
      .concat(document.documentElement.scrollWidth > width ? [{ page: document.documentElement.scrollWidth }] : []);
  });
  assert.deepEqual(wide, []);
  // The key columns come first in plain words; every column is one click away.
  const disparity = await page.locator('table', { has: page.locator('caption', { hasText: /^Exposure by group$/ }) })
    .first().locator('th').allTextContents();
  assert.deepEqual(disparity.slice(0, 4),
    ['group', 'share of residents', 'share of patrol exposure', 'exposure / residents (1 = in proportion)']);
  assert.ok(await page.locator('details.all-columns summary', { hasText: 'Show all columns' }).count() >= 1);
});

test('the report prints whole: print layout fits the page, and chromium prints a PDF', async () => {
  // A4 at 96 px per inch, less chromium's default margins: about 718 px of content width.
  await page.setViewportSize({ width: 718, height: 1000 });
  await page.emulateMedia({ media: 'print' });
  const clipped = await page.evaluate(() => [...document.querySelectorAll('table, figure, pre')]
    .filter((e) => getComputedStyle(e).display !== 'none' && e.closest('details') === null)
    .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 718.5)
    .map((e) => e.tagName + ': ' + (e.querySelector('caption, figcaption')?.textContent ?? '')));
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(clipped, []);
  const pdf = path.join(dir, 'report.pdf');
  const report = path.join(dir, 'demo', 'results', 'report.html');
  execFileSync(chromiumPath, ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer',
    `--user-data-dir=${path.join(dir, 'print-profile')}`, `--print-to-pdf=${pdf}`, pathToFileURL(report).href],
  { stdio: ['ignore', 'ignore', 'ignore'], timeout: 120000 });
  const bytes = readFileSync(pdf);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 2, `${pages} pages`);
});

test('maps have the study outline, a scale bar, a north arrow and no empty legend class', async () => {
  const maps = await page.evaluate(() => [...document.querySelectorAll('figure svg')]
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
        // Every class in the legend but the last (missing: "never flagged", "not studied") shades
        // at least one shape.
        empty: legendFills.slice(0, -1).filter((f) => !shapeFills.has(f)),
      };
    }));
  assert.ok(maps.length >= 2, JSON.stringify(maps));
  for (const m of maps) assert.deepEqual({ ...m, title: undefined },
    { title: undefined, outline: 1, scaleBar: 1, north: 1, empty: [] }, m.title);
});
