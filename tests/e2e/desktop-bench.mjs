// `make bench`, the desktop's part, on the release build: how fast the app is there when a
// call ends. Start from the binary's exec to the log form on screen with the keyboard on it
// (the frame after the first question took it has been drawn), beside a hello-world
// Tauri 2 app built in the same run (tests/hello), on an empty journal and on the 1,000,000
// contact journal, with the page cache dropped before each start where the machine allows it;
// idle memory of both; Enter → "Saved" over 200 saves on the 1M journal; the system-wide
// shortcut and a second start (`--log`) → the log form focused. Prints the figures; asserts
// nothing (they go into the README).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Key, until } from 'selenium-webdriver';
import { byTestId, chord, launch, prerequisites } from './harness.mjs';

const journal = process.env.BENCH_JOURNAL;
const hello = process.env.HELLO_APP;
for (const [name, file] of [['BENCH_JOURNAL', journal], ['HELLO_APP', hello]]) {
  if (!file || !fs.existsSync(file)) throw new Error(`${name} must name an existing file`);
}
const pre = prerequisites();
if (pre.missing.length > 0) throw new Error(`cannot run: ${pre.missing.join(', ')}`);

const STARTS = 7;
const SAVES = 200;
const EARLY_SAVES = 20;
const PRESSES = 20;

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const median = (xs) => pct(xs, 50);
const ms = (x) => `${x.toFixed(1)} ms`;

/** Waits until `check` holds, asking rarely: every WebDriver call runs in the page, on the
 * thread whose time is being measured, so asking while a save or a focus is under way would
 * slow down what is measured. The page keeps its own times; the asking only collects them. */
async function settled(s, check) {
  await s.sleep(150);
  const until = Date.now() + 10000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('the page did not get there within 10 s');
    await s.sleep(50);
  }
}

/** The fields of `/proc/<pid>/stat` after the command's name, from the state (field 3) on. */
const statFields = (pid) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

/** Waits until the app's own process has used at most two clock ticks of CPU (20 ms) in a
 * second, twice running; returns how long after the log form came up that was. */
async function idle(run) {
  const { pid } = processes(pre.app);
  const formAt = await run.session.executeScript("return performance.timeOrigin + performance.getEntriesByName('log-ready')[0].startTime");
  // utime + stime (fields 14 and 15)
  const cpu = () => statFields(pid).slice(11, 13).reduce((a, b) => a + Number(b), 0);
  let quiet = 0;
  let last = cpu();
  while (quiet < 2) {
    await run.session.sleep(1000);
    const now = cpu();
    quiet = now - last <= 2 ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - 2000 - formAt;
}

/** Drops the page cache, so that a start reads the binary, its libraries and the journal from
 * disk; false where the machine does not let this process do it (a container, no root). */
function dropCaches() {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

/** The newest process running `binary`, and every process below it (WebKit's). */
function processes(binary) {
  const pid = execFileSync('pgrep', ['-n', '-f', `^${binary}`], { encoding: 'utf8' }).trim();
  const all = [];
  const walk = (p) => {
    all.push(p);
    let kids = [];
    try {
      kids = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch { /* gone */ }
    kids.forEach(walk);
  };
  walk(pid);
  return { pid, all };
}

const rssKb = (p) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);

/** When the process was exec'd, in milliseconds since the epoch (10 ms resolution). */
function startedAt(pid) {
  const ticks = Number(statFields(pid)[19]);
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const bootedAt = Date.now() - uptime * 1000;
  return bootedAt + (ticks / hz) * 1000;
}

/** One start of `binary` on `journal` (a fresh one when null): from exec to the page's `mark`,
 * and the memory of all its processes once idle. */
async function start(binary, mark, journalFile, cold) {
  const run = await launch({ ...pre, app: binary }, journalFile ? { journal: journalFile } : {});
  try {
    const s = run.session;
    await s.wait(async () => s.executeScript(`return performance.getEntriesByName('${mark}').length > 0`), 60000, mark);
    const readyAt = await s.executeScript(`return performance.timeOrigin + performance.getEntriesByName('${mark}')[0].startTime`);
    const { pid, all } = processes(binary);
    const took = readyAt - startedAt(pid);
    await s.sleep(3000);
    const memory = all.reduce((sum, p) => sum + rssKb(p), 0) / 1024;
    return { took, memory, cold, run };
  } catch (e) {
    await run.stop();
    throw e;
  }
}

/** Starts the hello-world app and Contactmoment on both journals in turn, `STARTS` rounds: a
 * machine whose speed drifts (a shared host) then slows all three alike, where starting one
 * five times and then the next would put the drift between them. */
async function starts(kinds) {
  const took = kinds.map(() => []);
  const memory = kinds.map(() => []);
  let cold = true;
  for (let i = 0; i < STARTS; i++) {
    for (const [k, { binary, mark, journal: file }] of kinds.entries()) {
      cold = dropCaches() && cold;
      const r = await start(binary, mark, file, cold);
      await r.run.stop();
      took[k].push(r.took);
      memory[k].push(r.memory);
    }
  }
  return kinds.map(({ label }, k) => {
    console.log(`${label}: start → on screen with the keyboard, median ${ms(median(took[k]))} (min ${ms(sorted(took[k])[0])}, max ${ms(sorted(took[k]).at(-1))}) over ${STARTS} starts, ${cold ? 'page cache dropped before each' : 'page cache NOT dropped (not permitted here)'}; idle memory ${median(memory[k]).toFixed(0)} MB`);
    return median(took[k]);
  });
}

const app = pre.app;
console.log(`# desktop: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.release()}`);
const [helloMs, emptyMs, bigMs] = await starts([
  { label: 'hello-world Tauri 2', binary: hello, mark: 'shown', journal: null },
  { label: 'Contactmoment, empty journal', binary: app, mark: 'log-shown', journal: null },
  { label: 'Contactmoment, 1,000,000 contacts', binary: app, mark: 'log-shown', journal },
]);
console.log(`start ratio to hello-world: empty ${(emptyMs / helloMs).toFixed(2)}×, 1M ${(bigMs / helloMs).toFixed(2)}× (target ≤ 1.25×)`);

// Saves, the shortcut and a second start, on the 1M journal, as a person would use them.
// A folder of its own: the day's backup goes into a `backups/` folder beside the journal.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-bench-'));
const copy = path.join(scratch, 'journal.sqlite');
fs.copyFileSync(journal, copy);
// The copy's 700 MB would otherwise still be going to disk during the saves, and every
// save's fsync would wait behind it.
execFileSync('sync');
const run = await launch(pre, { journal: copy });
try {
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 60000);
  // Real key presses (XTEST, as a keyboard makes them) into the focused window: WebDriver's
  // own key actions keep WebKit busy while they are dispatched and add to what is measured.
  const win = execFileSync('xdotool', ['search', '--onlyvisible', '--name', 'Contactmoment'], { encoding: 'utf8' }).trim().split('\n')[0];
  execFileSync('xdotool', ['windowfocus', '--sync', win]);
  let made = 0;
  const saveSome = async (n) => {
    for (let i = 0; i < n; i++, made++) {
      execFileSync('xdotool', ['key', '--delay', '0', String(3 + (made % 3)), String(1 + ((made * 3) % 5)), 'Return']);
      await settled(s, async () => (await s.executeScript("return performance.getEntriesByName('log-save').length")) > made);
      await settled(s, async () => (await s.executeScript('return document.activeElement?.dataset?.testid')) === 'rating-functional-1');
    }
    const all = await s.executeScript("return performance.getEntriesByName('log-save').map((m) => m.duration)");
    return all.slice(made - n);
  };
  // Right after start the app checks every page of the journal and makes the day's backup,
  // in the background: saves made meanwhile are reported on their own.
  const early = await saveSome(EARLY_SAVES);
  const busyFor = await idle(run);
  // The backup's hundreds of megabytes are still on their way to disk; the saves below are
  // measured once they are there.
  execFileSync('sync');
  console.log(`Enter → "Saved", the first ${EARLY_SAVES} saves after start on 1M (the whole-file check and the day's backup running): p50 ${ms(median(early))}, p99 ${ms(pct(early, 99))}, max ${ms(sorted(early).at(-1))}; the app was busy with them for ${(busyFor / 1000).toFixed(1)} s after the log form came up`);
  const saves = await saveSome(SAVES);
  console.log(`Enter → "Saved", ${SAVES} saves on 1M once that is done: p50 ${ms(median(saves))}, p99 ${ms(pct(saves, 99))}, max ${ms(sorted(saves).at(-1))} (target p99 ≤ 10 ms)`);

  // The page notes when the first question gets the keyboard; the clock is the same machine's.
  await s.executeScript(`window.__focusedAt = null;
    document.addEventListener('focusin', (e) => {
      if (e.target?.dataset?.testid === 'rating-functional-1') window.__focusedAt = performance.timeOrigin + performance.now();
    });`);
  const bringBack = async (how) => {
    const times = [];
    for (let i = 0; i < PRESSES; i++) {
      await chord(s, Key.CONTROL, '3');
      await s.wait(async () => (await s.findElement(byTestId('nav-review')).getAttribute('aria-current')) === 'page', 10000);
      // A million contacts take the review a moment to draw: the press comes once it is still.
      await s.wait(async () => (await s.findElement(byTestId('review-screen')).getAttribute('aria-busy')) === 'false', 60000);
      await s.sleep(500);
      await s.executeScript('window.__focusedAt = null');
      const t0 = performance.timeOrigin + performance.now();
      await how();
      await settled(s, async () => (await s.executeScript('return window.__focusedAt')) !== null);
      times.push((await s.executeScript('return window.__focusedAt')) - t0);
    }
    return times;
  };
  // One xdotool kept running and fed a line per press: the clock starts when the key event is
  // asked for, not when a new xdotool process has been loaded.
  const keyboard = spawn('xdotool', ['-'], { env: run.env, stdio: ['pipe', 'ignore', 'inherit'] });
  let shortcut;
  try {
    shortcut = await bringBack(async () => keyboard.stdin.write('key --delay 0 --clearmodifiers ctrl+alt+l\n'));
  } finally {
    keyboard.stdin.end();
  }
  console.log(`shortcut → log form focused: median ${ms(median(shortcut))}, p90 ${ms(pct(shortcut, 90))}, max ${ms(sorted(shortcut).at(-1))} over ${PRESSES} (target ≤ 100 ms)`);
  const exits = [];
  const second = await bringBack(async () => {
    const started = performance.now();
    const child = spawn(app, ['--log'], { env: run.env, stdio: 'ignore' });
    child.once('exit', () => exits.push(performance.now() - started));
  });
  console.log(`contactmoment-app --log → log form focused: median ${ms(median(second))}, p90 ${ms(pct(second, 90))}, max ${ms(sorted(second).at(-1))} over ${PRESSES} (target ≤ 100 ms); the second start itself, exec to exit: median ${ms(median(exits))}`);

  // The review's "Contacts as CSV" over everything, and saves on the log form while it runs.
  await chord(s, Key.CONTROL, '3');
  await s.wait(async () => (await s.findElement(byTestId('review-screen')).getAttribute('aria-busy')) === 'false', 60000);
  await s.findElement(byTestId('filter-range')).sendKeys('Everything');
  await s.wait(async () => (await s.findElement(byTestId('review-screen')).getAttribute('aria-busy')) === 'false', 120000);
  const { all: appProcesses } = processes(app);
  const appRss = () => appProcesses.reduce((sum, p) => { try { return sum + rssKb(p); } catch { return sum; } }, 0) / 1024;
  const before = appRss();
  let peak = before;
  const sampling = setInterval(() => { peak = Math.max(peak, appRss()); }, 100);
  const exportStarted = performance.now();
  await s.findElement(byTestId('export-contacts')).click();
  const running = async () => (await s.findElements(byTestId('bulk-progress-text'))).length > 0;
  await s.wait(running, 60000, 'the export to start');
  await chord(s, Key.CONTROL, '1');
  await settled(s, async () => (await s.executeScript('return document.activeElement?.dataset?.testid')) === 'rating-functional-1');
  const during = [];
  while (await running()) {
    const [saved] = await saveSome(1);
    if (await running()) during.push(saved);
  }
  const outcome = await s.wait(until.elementLocated(byTestId('bulk-outcome')), 600000);
  const exportTook = performance.now() - exportStarted;
  clearInterval(sampling);
  const said = await outcome.getText();
  const file = said.replace(/^[^/]*/, '');
  const rows = execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(' ')[0] - 1;
  console.log(`the review's "Contacts as CSV", everything (${rows} contacts, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB): ${(exportTook / 1000).toFixed(1)} s from the click to "saved"; the app's memory ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB while it ran (target: flat)`);
  if (during.length === 0) throw new Error('the export ended before a save could be made during it');
  console.log(`Enter → "Saved" during that export, ${during.length} saves: p50 ${ms(median(during))}, p99 ${ms(pct(during, 99))}, max ${ms(sorted(during).at(-1))} (target: the log form never waits on it)`);
} finally {
  await run.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}
