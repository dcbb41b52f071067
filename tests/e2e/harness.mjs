// Starts the real app under tauri-driver with a throw-away journal, and stops everything
// cleanly. With CI=true a missing driver or binary is a failure, never a skip.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Builder, By, Key, until } from 'selenium-webdriver';

export const root = path.resolve(import.meta.dirname, '../..');
export const artifacts = path.join(root, 'tests/e2e/artifacts');
const DRIVER_PORT = 4444;
const NATIVE_PORT = 4445;

function which(cmd) {
  const extra = [path.join(os.homedir(), '.cargo/bin')];
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...extra]) {
    const p = path.join(dir, cmd);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** What is missing to run the e2e tests; empty when all is there. */
export function prerequisites() {
  const app = process.env.CONTACTMOMENT_APP ?? path.join(root, 'target/debug/contactmoment-app');
  const driver = which('tauri-driver');
  const native = which('WebKitWebDriver');
  const missing = [];
  if (!fs.existsSync(app)) missing.push(`the app binary (${path.relative(root, app)}; run cargo build)`);
  if (!driver) missing.push('tauri-driver (cargo install tauri-driver --locked)');
  if (!native) missing.push('WebKitWebDriver (apt-get install webkit2gtk-driver)');
  if (!process.env.DISPLAY) missing.push('a display (run under xvfb-run)');
  if (!which('import')) missing.push('ImageMagick (apt-get install imagemagick)');
  if (!which('pdftoppm')) missing.push('pdftoppm (apt-get install poppler-utils)');
  return { app, driver, missing };
}

/** In CI a missing prerequisite fails the run; on a developer machine the test is skipped. */
export function requireOrSkip(t, missing) {
  if (missing.length === 0) return true;
  const text = `cannot run the desktop e2e test; missing: ${missing.join(', ')}`;
  if (process.env.CI) throw new Error(text);
  t.skip(text);
  return false;
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

async function waitFor(check, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Removes a test home once nothing runs in it any more. The app can outlive its WebDriver
 * session (and keep writing WebKit's caches there), so the processes started with this home
 * in their environment are stopped first; nothing else is touched. */
async function removeHome(home) {
  const mine = (pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`XDG_CACHE_HOME=${path.join(home, 'cache')}`);
    } catch {
      return false;
    }
  };
  const left = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && mine(p));
  for (const pid of left()) {
    try { process.kill(Number(pid), 'SIGTERM'); } catch { /* already gone */ }
  }
  await waitFor(async () => left().length === 0, 10000, 'the app to exit');
  fs.rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** Launches tauri-driver and a WebDriver session on the app with a fresh journal, or with
 * the given journal file (which is left in place). */
export async function launch({ app, driver }, { journal, env: extra = {} } = {}) {
  for (const port of [DRIVER_PORT, NATIVE_PORT]) {
    // An orphaned WebKitWebDriver would make the new tauri-driver drive an old app.
    if (!(await portFree(port))) throw new Error(`port ${port} is busy: a previous WebDriver did not stop`);
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-e2e-'));
  // Exports land here instead of going through the save dialog, which a test cannot answer.
  const saved = path.join(home, 'saved');
  fs.mkdirSync(saved);
  const env = {
    ...process.env,
    CONTACTMOMENT_DB: journal ?? path.join(home, 'journal.sqlite'),
    CONTACTMOMENT_SAVE_DIR: saved,
    // Keep WebKit's caches and any app data away from the user's own.
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    LANG: 'en_US.UTF-8',
    LANGUAGE: 'en',
    ...extra,
  };
  // Under Xvfb the app is on X11 whatever the session around the tests is.
  delete env.WAYLAND_DISPLAY;
  const child = spawn(driver, ['--port', String(DRIVER_PORT), '--native-port', String(NATIVE_PORT)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  await waitFor(() => portOpen(DRIVER_PORT), 15000, 'tauri-driver to listen');
  const session = await new Builder()
    .usingServer(`http://127.0.0.1:${DRIVER_PORT}/`)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: app } })
    .build();
  return {
    session,
    env,
    journal: env.CONTACTMOMENT_DB,
    saved,
    async stop() {
      try { await session.quit(); } catch { /* the app may already be gone */ }
      // SIGTERM, not SIGKILL: only then does tauri-driver stop its WebKitWebDriver child.
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      await waitFor(async () => (await portFree(NATIVE_PORT)) && (await portFree(DRIVER_PORT)), 10000, 'WebDriver ports to close');
      await removeHome(home);
    },
    driverLog: () => log,
  };
}

export async function screenshot(session, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  // The display as a person sees it, taken by ImageMagick: WebKitWebDriver's own screenshot
  // never returns when WebKit draws without compositing, as the app does without a GPU.
  // Two frames first, so the picture shows the latest change.
  await session.executeAsyncScript(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  execFileSync('import', ['-window', 'root', file]);
  return path.relative(root, file);
}

/** Runs the CLI on a journal and returns what it printed. */
export function cli(journal, args) {
  const binary = path.join(root, 'target/debug/contactmoment');
  return execFileSync(binary, ['--db', journal, ...args], { encoding: 'utf8' });
}

/** Reads the journal through the CLI, to check what the app really stored. */
export function cliList(journal) {
  return JSON.parse(cli(journal, ['list', '--format', 'json']));
}

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/** Presses a key with a modifier held, as Ctrl+3 is pressed. */
export async function chord(session, modifier, key) {
  await session.actions({ async: true }).keyDown(modifier).sendKeys(key).keyUp(modifier).perform();
}

/** Chooses `language` ('Nederlands', 'English') in Settings and saves, as a person would;
 * waits until the page speaks it (`lang`: 'nl', 'en'). */
export async function chooseLanguage(session, language, lang) {
  await chord(session, Key.CONTROL, '4');
  await session.wait(until.elementLocated(byTestId('settings-language')), 5000);
  await session.findElement(byTestId('settings-language')).sendKeys(language);
  await session.findElement(byTestId('settings-save')).click();
  await session.wait(async () => (await session.executeScript('return document.documentElement.lang')) === lang, 5000);
}

/** A journal in a temporary folder, filled by the CLI's demo with `args`; `remove()` deletes it. */
export function demoJournal(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-demo-'));
  const journal = path.join(dir, 'journal.sqlite');
  cli(journal, ['demo', ...args]);
  return { journal, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** What is wrong with the layout as drawn now: a list of sentences, empty when all is well. */
export function layoutProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page is ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
  }
  // A table that scrolls sideways in its own box hides columns just the same.
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.getBoundingClientRect().width > 0 && wrap.scrollWidth > wrap.clientWidth + 1) {
      const table = wrap.querySelector('table')?.dataset.testid ?? 'a table';
      problems.push(`${table} needs ${wrap.scrollWidth} px in a ${wrap.clientWidth} px box`);
    }
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      if (e.tagName === 'DETAILS' && !e.open && e !== el && !e.querySelector(':scope > summary')?.contains(el)) return false;
    }
    return true;
  };
  const name = (el) => {
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
    return `${el.tagName.toLowerCase()}${id} "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
  };
  const texts = 'button, label, summary, legend, th, td, a, select, h1, h2, h3, figcaption, .tab, .period-label, .q-name, .status-text';
  for (const el of document.querySelectorAll(texts)) {
    if (!visible(el)) continue;
    const cs = getComputedStyle(el);
    // A name shortened with an ellipsis on purpose carries its whole text in a title.
    if (cs.textOverflow === 'ellipsis' && el.title) continue;
    if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible') {
      problems.push(`${name(el)} is cut off (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
    }
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) problems.push(`${name(el)} runs past the window's right edge`);
  }
  const cards = [...document.querySelectorAll('.card, .block, figure')].filter(visible);
  for (let i = 0; i < cards.length; i++) {
    for (let j = i + 1; j < cards.length; j++) {
      const [a, b] = [cards[i], cards[j]];
      if (a.contains(b) || b.contains(a)) continue;
      const ra = a.getBoundingClientRect();
      const rb = b.getBoundingClientRect();
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) problems.push(`${name(a)} and ${name(b)} overlap`);
    }
  }
  return problems;
}

/** Checks the layout as drawn now, saves a screenshot, and adds each problem to `found`. */
export async function checkLayout(s, label, found) {
  const problems = await s.executeScript(`return (${layoutProblems.toString()})();`);
  const shot = await screenshot(s, `layout-${label}`);
  for (const p of problems) found.push(`${label}: ${p} (see ${shot})`);
}

const axeFile = path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js');

/** What axe-core finds wrong with the page as it is now (WCAG 2.1 A and AA and best
 * practice), one line per failing element. */
export async function axeViolations(session) {
  if (!fs.existsSync(axeFile)) throw new Error('axe-core is not installed (npm ci in tests/e2e)');
  const found = await session.executeAsyncScript(
    `${fs.readFileSync(axeFile, 'utf8')};
    const done = arguments[arguments.length - 1];
    axe.run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.flatMap((v) => v.nodes.map((n) =>
        v.id + ': ' + n.target.join(' ') + ' — ' + (n.failureSummary || v.help).replace(/\\s+/g, ' ')))))
      .catch((e) => done(['axe failed: ' + e]));`,
  );
  return found;
}
