// The demo's report.html opened straight from disk (file://) in Debian's chromium: no console
// error, no failed request, nothing fetched from anywhere, and its SVG maps and charts present.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { cleanUp, figures, isChart, isMap, launchBrowser, runDemo, tempDir, watch } from './helpers.mjs';

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
