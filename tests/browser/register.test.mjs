// The register's page in Debian's chromium: open the register, search it, open a tool's record,
// open its audit, and check that the demo report's maps and charts render, with no console error,
// page error, failed request, or request beyond the server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  cleanUp, figures, isChart, isMap, launchBrowser, runDemo, scrutineer, startServer, tempDir, watch,
  webDist,
} from './helpers.mjs';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let dir, server, context, page, problems;

before(async () => {
  dir = tempDir('register');
  runDemo(path.join(dir, 'reports', 'demo'));
  const db = path.join(dir, 'register.sqlite');
  scrutineer('register', '--db', db, 'add', path.join(fixtures, 'tools.json'));
  scrutineer('register', '--db', db, 'link', 'synthetic-city-hotspots', '--kind', 'report',
    '--location', 'demo/results', '--summary', 'sepp-grid hit rate 0.40 at 5% of cells');
  server = await startServer(['--db', db, '--reports', path.join(dir, 'reports'), '--web', webDist]);
  context = await launchBrowser(path.join(dir, 'profile'));
  problems = await watch(context, (url) => url.startsWith(`${server.url}/`));
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  server?.stop();
  if (dir) cleanUp(dir);
});

const toolNames = () => page.locator('#results li h2').allTextContents();

test('the register lists every tool', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Register of predictive-policing tools' }).waitFor();
  await page.locator('#search-status', { hasText: '3 tools in the register.' }).waitFor();
  assert.deepEqual((await toolNames()).sort(), ['Northgate patrol allocation dashboard',
    'Riverside burglary boxes', 'Synthetic City daily hotspot forecast']);
});

test('searching filters the list, and the search is in the address', async () => {
  // Typed as a person would: the list follows the text without a submit.
  await page.getByLabel('Search the register').pressSequentially('burglary');
  await page.locator('#search-status', { hasText: '1 tool matches “burglary”.' }).waitFor();
  assert.deepEqual(await toolNames(), ['Riverside burglary boxes']);
  assert.equal(new URL(page.url()).search, '?q=burglary');
  // A word found only in tier 2 (the Synthetic City record's team), submitted with Enter.
  await page.getByLabel('Search the register').fill('analysis unit');
  await page.keyboard.press('Enter');
  await page.locator('#search-status', { hasText: '1 tool matches “analysis unit”.' }).waitFor();
  assert.deepEqual(await toolNames(), ['Synthetic City daily hotspot forecast']);
  await page.getByLabel('Search the register').fill('no such tool anywhere');
  await page.keyboard.press('Enter');
  await page.locator('#search-status', { hasText: 'No tool matches' }).waitFor();
  assert.equal(await page.locator('#results li').count(), 0);
});

test('a tool shows its ATRS fields with their labels, in order, and its audits', async () => {
  await page.getByLabel('Search the register').fill('hotspot');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Synthetic City daily hotspot forecast' }).click();
  await page.getByRole('heading', { level: 1, name: 'Synthetic City daily hotspot forecast' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/tools/synthetic-city-hotspots');
  const h2 = await page.locator('main h2').allTextContents();
  assert.deepEqual(h2, ['Tier 1: overview for the public', 'Tier 2: detail for interested parties',
    'Audits']);
  // The first four labels are ATRS tier 1 in the standard's order (registry/record.cpp).
  const labels = await page.locator('main dl.fields dt').allTextContents();
  assert.deepEqual(labels.slice(0, 4).map((l) => l.replace(' (required by the standard)', '')),
    ['Name', 'Description (how and why the tool is used)', 'Website with more information',
      'Contact email']);
  assert.ok(labels.length >= 29, `${labels.length} labels`);
  const team = page.locator('dt:has-text("Team") + dd');
  assert.equal(await team.textContent(), 'Analysis unit');
  // An empty field says so in words, not only by colour.
  assert.equal(await page.locator('dt:has-text("Procurement procedure") + dd').textContent(),
    'Not disclosed');
  assert.equal(await page.locator('table.audits tbody tr').count(), 1);
});

test('an audit opens with its report, whose maps and charts render', async () => {
  await page.getByRole('link', { name: /^Audit \d+$/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Report audit of Synthetic City daily hotspot forecast' }).waitFor();
  const frame = page.frameLocator('iframe.report');
  await frame.locator('svg').first().waitFor();
  const figs = await figures(frame.locator(':root'));
  assert.ok(figs.some(isMap), `no map among ${JSON.stringify(figs.map((f) => f.label))}`);
  assert.ok(figs.some(isChart), `no chart among ${JSON.stringify(figs.map((f) => f.label))}`);
  // Playwright's own test of visibility (non-empty box, not hidden) on the first map, scrolled to.
  const map = frame.locator('svg[role="img"]').first();
  await map.scrollIntoViewIfNeeded();
  assert.ok(await map.isVisible());
  const box = await map.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, JSON.stringify(box));
  // The raw results are listed and served.
  const csv = page.locator('.files a', { hasText: 'backtest/summary.json' });
  const href = await csv.getAttribute('href');
  const response = await page.request.get(`${server.url}${href}`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^application\/json/);
});

test('the page is served with a strict Content-Security-Policy and revalidated', async () => {
  const index = await page.request.get(`${server.url}/tools/synthetic-city-hotspots`);
  assert.equal(index.status(), 200);
  assert.match(index.headers()['content-security-policy'], /script-src 'self';/);
  assert.equal(index.headers()['cache-control'], 'no-cache');
});

// Presses Tab until the focused element satisfies `wanted` (at most `limit` presses).
async function tabTo(wanted, limit = 8) {
  for (let i = 0; i < limit; ++i) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(wanted)) return;
  }
  assert.fail(`Tab never reached ${wanted}`);
}

test('the register works with the keyboard alone', async () => {
  await page.goto(`${server.url}/`);
  await page.locator('#search-status', { hasText: '3 tools' }).waitFor();
  await tabTo(() => document.activeElement?.id === 'search');
  await page.keyboard.type('riverside');
  await page.locator('#search-status', { hasText: '1 tool matches “riverside”.' }).waitFor();
  await tabTo(() => document.activeElement?.textContent === 'Riverside burglary boxes');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Riverside burglary boxes' }).waitFor();
  // After the navigation the focus is on the new heading, where a screen reader starts reading.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Register of predictive-policing tools' }).waitFor();
});

test('nothing went wrong in the browser', () => {
  assert.deepEqual(problems, { console: [], page: [], failed: [], http: [], outside: [] });
});
