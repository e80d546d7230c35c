// Shared set-up of the browser tests: a throw-away register served by `scrutineer serve` on a free
// loopback port, Debian's chromium driven by playwright-core (npm cannot download browsers here),
// and a watch on the page's console errors, page errors and requests.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const cli = process.env.SCRUTINEER_CLI;
export const webDist = process.env.SCRUTINEER_WEB_DIST;
export const chromiumPath = process.env.SCRUTINEER_CHROMIUM ?? '/usr/bin/chromium';

export function tempDir(name) {
  return mkdtempSync(path.join(tmpdir(), `scrutineer-browser-${name}-`));
}

// Runs the scrutineer executable; its output goes to this test's log.
export function scrutineer(...args) {
  execFileSync(cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

// Writes the demo (the city, demo.toml, and its results with report.html and every table under
// results/) to `out`.
export function runDemo(out) {
  scrutineer('demo', '--out', out);
}

// Starts `scrutineer serve --port 0` and resolves with its address once it prints the port.
export function startServer(args) {
  const child = spawn(cli, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`scrutineer serve exited with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
  });
}

// Debian's chromium, headless, with a fresh profile and none of its background connections (this
// machine's network is closed; they would fail and add noise).
export async function launchBrowser(profileDir) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

// Collects what must stay empty: console errors, uncaught page errors, failed requests, HTTP
// errors, and requests that leave `allowed` (a predicate on the URL). Requests that leave are
// aborted, so the page is checked as it would run with no network beyond its server.
export async function watch(context, allowed) {
  const problems = { console: [], page: [], failed: [], http: [], outside: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    problems.outside.push(url);
    return route.abort();
  });
  context.on('console', (msg) => {
    if (msg.type() === 'error') problems.console.push(`${msg.text()} at ${msg.location().url}`);
  });
  context.on('weberror', (e) => problems.page.push(String(e.error())));
  // A fetch that the page cancels itself (a search superseded by the next keystroke, through its
  // AbortController) fails with net::ERR_ABORTED: a cancellation, not a failure. A server's failure
  // shows as an HTTP status (`http`) or as another net:: error; an aborted page load still counts.
  context.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    if (why === 'net::ERR_ABORTED' && r.resourceType() === 'fetch') return;
    problems.failed.push(`${r.url()}: ${why}`);
  });
  context.on('response', (r) => {
    if (r.status() >= 400) problems.http.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}

// Sizes and content of the SVG figures in a page or frame: maps are SVGs drawn with many filled
// paths (one per cell or area), charts SVGs with lines (a polyline or unfilled path per series).
export async function figures(frame) {
  return frame.locator('svg').evaluateAll((svgs) => svgs.map((svg) => {
    const box = svg.getBoundingClientRect();
    const style = getComputedStyle(svg);
    return {
      label: svg.getAttribute('aria-label') ?? svg.querySelector('text')?.textContent ?? '',
      width: box.width,
      height: box.height,
      shown: style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0,
      filledPaths: [...svg.querySelectorAll('path[d]')].filter((p) => p.getAttribute('fill') !== 'none').length,
      // Lines drawn: polylines, and unfilled paths, longer than zero.
      lines: [...svg.querySelectorAll('polyline, path[fill="none"]')]
        .filter((l) => l.getTotalLength() > 0).length,
    };
  }));
}

export const isMap = (f) => f.shown && f.width > 100 && f.height > 100 && f.filledPaths >= 10;
export const isChart = (f) => f.shown && f.width > 100 && f.height > 100 && f.lines >= 1;

export function cleanUp(dir) {
  rmSync(dir, { recursive: true, force: true });
}
