// The register's page in Debian's chromium: open the register, search and filter it, page through
// a register of 120, open a tool's record (the audits' findings first, then the 65 ATRS v3.0
// attributes), open its audit, submit a question that stays private until it is approved with
// the token, compare the audited tools, all with the keyboard where a person would use it; and
// check that the demo report's maps and charts render, with no console error, page error, failed
// request, script run from submitted text, or request beyond the server.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  cleanUp, figures, isChart, isMap, launchBrowser, runDemo, scrutineer, startServer, tempDir, watch,
  webDist,
} from './helpers.mjs';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let dir, server, context, page, problems;

const TOKEN = 'browser-test-token';
let dialogs = 0;

before(async () => {
  dir = tempDir('register');
  runDemo(path.join(dir, 'reports', 'demo'));
  const db = path.join(dir, 'register.sqlite');
  scrutineer('register', '--db', db, 'add', path.join(fixtures, 'tools.json'));
  // Linked as evidence: the results folder's run.json and summaries are read.
  scrutineer('register', '--db', db, 'link', 'synthetic-city-hotspots', '--kind', 'report',
    '--results', path.join(dir, 'reports', 'demo', 'results'), '--location', 'demo/results');
  writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
  server = await startServer(['--db', db, '--reports', path.join(dir, 'reports'), '--web', webDist,
    '--token-file', path.join(dir, 'token')]);
  context = await launchBrowser(path.join(dir, 'profile'));
  problems = await watch(context, (url) => url.startsWith(`${server.url}/`));
  page = await context.newPage();
  // A submitted alert() that ran would open a dialog.
  context.on('page', (p) => p.on('dialog', (d) => { dialogs += 1; d.dismiss(); }));
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
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

test('a tool shows what the audits found first, then the ATRS v3.0 attributes', async () => {
  await page.getByLabel('Search the register').fill('hotspot');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Synthetic City daily hotspot forecast' }).click();
  await page.getByRole('heading', { level: 1, name: 'Synthetic City daily hotspot forecast' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/tools/synthetic-city-hotspots');
  const h2 = await page.locator('main h2').allTextContents();
  assert.deepEqual(h2, ['What the independent audits found', 'About this record',
    'Tier 1: overview for the public', 'Tier 2: detail for interested parties',
    'EU AI Act registration (Annex VIII)', 'Questions and challenges']);
  // The audit's figures, read from the demo's backtest summary: a row per model with intervals.
  const figures = page.locator('article.audit table.figures').first();
  await figures.waitFor();
  assert.match(await figures.locator('caption').textContent(), /best baseline/);
  const firstRow = await figures.locator('tbody tr').first().locator('td').allTextContents();
  assert.equal(firstRow.length, 3);
  assert.match(firstRow[0], /^\d[\d.]* \([\d.]+ to [\d.]+\)$/, firstRow[0]);
  assert.match(await page.locator('article.audit .meta').first().textContent(), /^Run \d{4}-\d\d-\d\dT/);
  // The 65 attributes, each labelled with its reference number; the EU section, empty here, says so.
  const labels = await page.locator('main dl.fields dt').allTextContents();
  assert.equal(labels.length, 65, `${labels.length} labels`);
  assert.match(await page.locator('section[aria-labelledby="part-eu"]').textContent(), /Not given/);
  assert.equal(labels[0].replace(' (required by the standard)', ''), '0.1 ID');
  assert.equal(labels[15].replace(' (required by the standard)', ''), '1.1 Name');
  assert.equal(labels[64].replace(' (required by the standard)', ''), '2.5.2 Risks and mitigations');
  const team = page.locator('dt:has-text("2.1.2 Team") + dd');
  assert.equal(await team.textContent(), 'Analysis unit');
  // An empty field says so in words, not only by colour.
  assert.equal(await page.locator('dt:has-text("Procurement procedure type") + dd').textContent(),
    'Not disclosed');
  // No local path anywhere on the page.
  assert.ok(!(await page.content()).includes(dir), 'a local path is on the page');
});

test('an audit opens with its report, whose maps and charts render', async () => {
  await page.getByRole('link', { name: /^Details of audit \d+$/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Report audit of Synthetic City daily hotspot forecast' }).waitFor();
  const frame = page.frameLocator('iframe.report');
  await frame.locator('svg').first().waitFor();
  const figs = await figures(frame.locator(':root'));
  assert.ok(figs.some(isMap), `no map among ${JSON.stringify(figs.map((f) => f.label))}`);
  assert.ok(figs.some(isChart), `no chart among ${JSON.stringify(figs.map((f) => f.label))}`);
  // Playwright's own test of visibility (non-empty box, not hidden) on the first map, scrolled to.
  const map = frame.locator('svg[role="img"]').first();
  // The frame sits below the audit's figures and hashes: bring it into view first.
  await page.locator('iframe.report').scrollIntoViewIfNeeded();
  await map.scrollIntoViewIfNeeded();
  assert.ok(await map.isVisible());
  const box = await map.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, JSON.stringify(box));
  // The evidence: the recipe's SHA-256 and each input's, never a local path.
  assert.match(await page.locator('dt:has-text("Recipe SHA-256") + dd').textContent(), /^[0-9a-f]{64}$/);
  assert.ok(!(await page.content()).includes(dir), 'a local path is on the audit page');
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
  await tabTo(() => document.activeElement?.textContent === 'Riverside burglary boxes', 12);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Riverside burglary boxes' }).waitFor();
  // After the navigation the focus is on the new heading, where a screen reader starts reading.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Register of predictive-policing tools' }).waitFor();
});

test('a question is private until approved with the token, then shown as text', async () => {
  await page.goto(`${server.url}/tools/riverside-burglary-boxes`);
  await page.locator('#challenge-counts', { hasText: 'No question or challenge has been received yet.' }).waitFor();
  // With the keyboard: the form's fields in order.
  await tabTo(() => document.activeElement?.id === 'challenge-kind', 80);
  await page.keyboard.press('ArrowDown'); // "A challenge to a decision that affected me"
  await page.keyboard.press('Tab');
  await page.keyboard.type('A stop in March 2025.');
  await page.keyboard.press('Tab');
  const attack = '<img src=x onerror="alert(1)"><script>alert(2)</script> why was my street boxed? mail me at jo@example.org';
  await page.keyboard.type(attack);
  await page.keyboard.press('Tab');
  await page.keyboard.type('jo@example.org');
  await page.keyboard.press('Tab'); // the hidden trap field is skipped (tabindex -1)
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Send');
  await page.keyboard.press('Enter');
  const status = page.locator('#challenge-status', { hasText: 'Your reference is' });
  await status.waitFor();
  const reference = /Q-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(await status.textContent())[0];
  // Not public: counted, not shown.
  await page.reload();
  await page.locator('#challenge-counts', { hasText: '1 question or challenge received, 0 answered, 0 published.' }).waitFor();
  assert.equal(await page.locator('article.challenge').count(), 0);
  const pub = await (await page.request.get(`${server.url}/api/tools/riverside-burglary-boxes/challenges`)).json();
  assert.deepEqual(pub.published, []);
  // Approved with the token, then shown, as the characters typed, without the contact.
  const approved = await page.request.post(`${server.url}/api/challenges/${reference}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
    data: { status: 'published', answer: 'The boxes follow recorded burglaries.' } });
  assert.equal(approved.status(), 200);
  await page.reload();
  const shown = page.locator('article.challenge');
  await shown.waitFor();
  const text = await shown.textContent();
  assert.ok(text.includes('<img src=x onerror="alert(1)"><script>alert(2)</script>'), text);
  assert.ok(text.includes('mail me at [removed]'), text);
  assert.ok(text.includes('The boxes follow recorded burglaries.'), text);
  assert.ok(!(await page.content()).includes('jo@example.org'));
  assert.equal(await page.locator('article.challenge img, article.challenge script').count(), 0);
  assert.match(await page.locator('#challenge-counts').textContent(), /1 answered, 1 published\. Answers took/);
  assert.equal(dialogs, 0);
});

test('filters select by organisation, category, phase and audit, with the keyboard', async () => {
  await page.goto(`${server.url}/`);
  await page.locator('#search-status', { hasText: '3 tools in the register.' }).waitFor();
  await tabTo(() => document.activeElement?.id === 'filter-audited', 12);
  await page.keyboard.press('ArrowDown'); // "Has an independent audit"
  await page.locator('#search-status', { hasText: '1 tool matches the filters.' }).waitFor();
  assert.deepEqual(await toolNames(), ['Synthetic City daily hotspot forecast']);
  assert.equal(new URL(page.url()).search, '?audited=yes');
  await page.goto(`${server.url}/?phase=Production`);
  await page.locator('#search-status', { hasText: '2 tools match the filters.' }).waitFor();
  assert.deepEqual((await toolNames()).sort(), ['Northgate patrol allocation dashboard',
    'Synthetic City daily hotspot forecast']);
  await page.goto(`${server.url}/?organisation=Riverside%20Constabulary%20(fictional)&category=geographic`);
  await page.locator('#search-status', { hasText: '1 tool matches the filters.' }).waitFor();
  assert.deepEqual(await toolNames(), ['Riverside burglary boxes']);
  assert.equal(await page.locator('#filter-organisation').inputValue(), 'Riverside Constabulary (fictional)');
});

test('the comparison view shows the audited figures by force', async () => {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Compare the audited tools across forces' }).click();
  await page.getByRole('heading', { level: 1, name: 'Compare the audited tools' }).waitFor();
  const rows = page.locator('table.compare tbody tr');
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().locator('th').textContent(), 'Synthetic City Police (fictional)');
  const cells = await rows.first().locator('td').allTextContents();
  assert.equal(cells[0], 'Synthetic City daily hotspot forecast');
  assert.match(cells[2], /: -?[\d.]+ \(-?[\d.]+ to -?[\d.]+\)$/, cells[2]);
});

test('a register of 120 tools pages by 50 with next and previous links', async () => {
  const db = path.join(dir, 'big.sqlite');
  const records = Array.from({ length: 120 }, (_, i) => ({ atrs_version: '3.0',
    slug: `tool-${String(i + 1).padStart(3, '0')}`,
    tier_1_information: { name: `Tool ${String(i + 1).padStart(3, '0')}`, description: 'A test record.' } }));
  writeFileSync(path.join(dir, 'big.json'), JSON.stringify(records));
  scrutineer('register', '--db', db, 'add', path.join(dir, 'big.json'));
  const big = await startServer(['--db', db, '--web', webDist]);
  try {
    const bigProblems = await watch(context, (url) => url.startsWith(`${server.url}/`) || url.startsWith(`${big.url}/`));
    await page.goto(`${big.url}/`);
    await page.locator('#search-status', { hasText: '120 tools in the register. Showing 1 to 50.' }).waitFor();
    assert.equal((await toolNames())[0], 'Tool 001');
    assert.equal(await page.getByRole('link', { name: 'Previous page' }).count(), 0);
    await tabTo(() => document.activeElement?.textContent === 'Next page', 80);
    await page.keyboard.press('Enter');
    await page.locator('#search-status', { hasText: 'Showing 51 to 100.' }).waitFor();
    assert.equal((await toolNames())[0], 'Tool 051');
    assert.equal(new URL(page.url()).search, '?offset=50');
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.locator('#search-status', { hasText: 'Showing 101 to 120.' }).waitFor();
    assert.equal(await page.locator('#results li').count(), 20);
    assert.equal(await page.getByRole('link', { name: 'Next page' }).count(), 0);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.locator('#search-status', { hasText: 'Showing 51 to 100.' }).waitFor();
    // Opened at an offset, the page starts there.
    await page.goto(`${big.url}/?offset=100`);
    await page.locator('#search-status', { hasText: 'Showing 101 to 120.' }).waitFor();
    assert.deepEqual(bigProblems, { console: [], page: [], failed: [], http: [], outside: [] });
  } finally {
    big.stop();
  }
});

test('nothing went wrong in the browser', () => {
  assert.deepEqual(problems, { console: [], page: [], failed: [], http: [], outside: [] });
  assert.equal(dialogs, 0);
});
