// Browser-test harness for kyoso.
//
// - startServer(): seeds the demo world into a fresh SQLite database in a temporary directory
//   (`kyoso seed --demo`), starts `kyoso serve` on a free loopback port with the mail outbox
//   and fast password hashing, waits for GET /readyz, and returns { baseUrl, stop }.
//   KYOSO_BIN names the binary (default <repo>/build/kyoso). KYOSO_E2E_BASE_URL skips all of
//   that and uses an already running server instead (handy while developing the UI).
// - launchBrowser(): Debian's Chromium through playwright-core (browser downloads do not work
//   here), headless, fresh user-data directory.
// - openPage(): a page in a fresh context (Japanese locale, Tokyo time zone) that records CSP
//   violations, uncaught errors and console errors; the page keeps the server's real CSP
//   (bypassCSP: false).
// - checkPage(): axe-core with the WCAG 2.0/2.1 A and AA tags plus the page's own health
//   (CSP, errors); throws a readable report on any violation.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = process.env.KYOSO_REPO_ROOT || path.resolve(here, '..', '..');

export const DEMO_PASSWORD = 'demo-password-2026';
export const DEMO = {
  platformAdmin: 'admin@kyoso.example',
  kamomeAdmin: 'yamada@city.kamome.example',
  kamomeStaff: 'sato@city.kamome.example',
  wakabaAdmin: 'tanaka@town.wakaba.example',
  resident: 'haruka@example.jp',
  businessAdmin: 'info@umineko-tech.example',
};

const CHROMIUM = process.env.KYOSO_CHROMIUM || '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Resolves a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(bin, args, env, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => log.push(d.toString()));
    child.stderr.on('data', (d) => log.push(d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')} exited with ${code ?? signal}\n${log.join('')}`)),
    );
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the real server with a freshly seeded demo database.
 * @returns {Promise<{baseUrl: string, stop: () => Promise<void>, log: string[]}>}
 */
export async function startServer() {
  if (process.env.KYOSO_E2E_BASE_URL) {
    return { baseUrl: process.env.KYOSO_E2E_BASE_URL.replace(/\/$/, ''), stop: async () => {}, log: [] };
  }
  const bin = path.resolve(repoRoot, process.env.KYOSO_BIN || 'build/kyoso');
  if (!existsSync(bin)) throw new Error(`kyoso binary not found at ${bin} (set KYOSO_BIN)`);
  const webRoot = path.join(repoRoot, 'web', 'dist');
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    throw new Error(`${webRoot}/index.html is missing: run "npm ci && npm run build" in web/ first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kyoso-e2e-'));
  const db = `sqlite:${path.join(dir, 'e2e.db')}`;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The server refuses unknown KYOSO_* variables, so the harness's own ones are not passed on.
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^KYOSO_(BIN|REPO_ROOT|CHROMIUM|E2E_.*)$/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    KYOSO_MAIL_MODE: 'outbox',
    KYOSO_WEB_ROOT: webRoot,
    KYOSO_PASSWORD_MEMLIMIT_KIB: '8192',
    // Attachments go to the test's own folder, never into the checkout.
    KYOSO_UPLOAD_DIR: process.env.KYOSO_UPLOAD_DIR || path.join(dir, 'uploads'),
    // Links in mails point at this server.
    KYOSO_PUBLIC_URL: baseUrl,
  });
  const log = [];
  await run(bin, ['seed', '--demo', '--db', db], env, log);

  const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
  });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null) throw new Error(`kyoso serve exited early (${exited})\n${log.join('')}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kyoso serve did not become ready within 30 s\n${log.join('')}`);
    }
    await sleep(100);
  }

  async function stop() {
    if (exited === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { baseUrl, stop, log };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Debian's Chromium, headless. playwright-core gives every launch a fresh temporary
 * user-data directory of its own and removes it on close.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

/**
 * Opens a page in a fresh browser context (its own cookies) with Japanese locale and Tokyo time.
 * Records problems on page.problems: CSP violations, uncaught exceptions, console errors other
 * than expected HTTP error statuses (the UI asks GET /me and gets 401 when logged out).
 */
export async function openPage(browser, baseUrl, { viewport = { width: 1280, height: 900 }, locale = 'ja-JP' } = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    locale,
    timezoneId: 'Asia/Tokyo',
    bypassCSP: false,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.problems = [];
  page.consoleErrors = [];
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    page.consoleErrors.push(text);
    if (/Content Security Policy/i.test(text)) page.problems.push(`CSP violation: ${text}`);
    else if (!/Failed to load resource: the server responded with a status of (401|403|404|409|410|400|422|429)/.test(text)) {
      page.problems.push(`console error: ${text}`);
    }
  });
  page.on('pageerror', (err) => page.problems.push(`uncaught exception: ${err.message}`));
  return { page, context };
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `      - ${n.target.join(' ')}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}\n        html: ${n.html.slice(0, 200)}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Accessibility and health check of the current page state. Throws a readable report. */
export async function checkPage(page, label) {
  await page.waitForLoadState('domcontentloaded');
  // Let pending renders settle (loading messages replaced by content).
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 10_000 }).catch(() => {});
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const csp = await page.evaluate(() => window.__cspViolations || []);
  const problems = [...page.problems, ...csp.map((c) => `CSP violation: ${c}`)];
  page.problems.length = 0;
  const parts = [];
  if (results.violations.length) parts.push(`axe-core found ${results.violations.length} violation(s):\n${formatViolations(results.violations)}`);
  if (problems.length) parts.push(`page problems:\n  ${problems.join('\n  ')}`);
  if (parts.length) throw new Error(`${label} (${page.url()}):\n${parts.join('\n')}`);
  return results;
}

/** Fails when the page scrolls horizontally (content wider than the viewport). */
export async function checkNoHorizontalScroll(page, label) {
  const m = await page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > de.clientWidth + 1 && !el.closest('.table-wrap')) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide: wide.slice(0, 10) };
  });
  if (m.scrollWidth > m.clientWidth) {
    throw new Error(`${label}: horizontal scroll at ${m.clientWidth}px (scrollWidth ${m.scrollWidth})\n  ${m.wide.join('\n  ')}`);
  }
}

/** Navigates within the app like a user typing the address: full load of `path`. */
export async function goto(page, path) {
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  await page.locator('#page-title').waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 10_000 }).catch(() => {});
}

/** Saves a screenshot when KYOSO_E2E_SCREENSHOTS names a directory (outside the repo). */
export async function screenshot(page, name) {
  const dir = process.env.KYOSO_E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * A minimal API client with a cookie jar, for test setup that is not under test (e.g. creating a
 * user to grant a role to). Follows docs/api.md: CSRF token from GET /auth/csrf.
 */
export function apiClient(baseUrl) {
  const jar = new Map();
  let csrf = null;
  function store(res) {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  async function call(method, p, body) {
    const headers = { Accept: 'application/json', Cookie: cookie() };
    if (method !== 'GET') {
      if (!csrf) {
        const r = await fetch(`${baseUrl}/api/v1/auth/csrf`, { headers: { Cookie: cookie() } });
        store(r);
        csrf = (await r.json()).csrf_token;
        headers.Cookie = cookie();
      }
      headers['X-CSRF-Token'] = csrf;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${baseUrl}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    store(res);
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }
  return { call };
}

/** A unique e-mail address for a user created by a test. */
export function uniqueEmail(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.jp`;
}

/** Reads the newest mail to `to` from the development outbox API. */
export async function latestMail(baseUrl, to) {
  const res = await fetch(`${baseUrl}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`GET /api/v1/dev/outbox answered ${res.status}`);
  const { items } = await res.json();
  if (!items.length) return null;
  return items.reduce((a, b) => (b.created_at > a.created_at || (b.created_at === a.created_at && b.id > a.id) ? b : a));
}

/** The id of the focused element once it is `expected` (focus moves in an effect after the
 * render that shows an error or a new page, so it may come a moment later), or whatever has
 * focus after 3 s. */
export async function focusedId(page, expected) {
  let id = '';
  for (let i = 0; i < 60; i++) {
    id = await page.evaluate(() => document.activeElement?.id ?? '');
    if (id === expected) break;
    await page.waitForTimeout(50);
  }
  return id;
}
