// `make bench`, the app's part: the real app on a journal of 1,000,000 contacts (made by the
// CLI's demo), on the review screen. Prints how long each filter change takes from input to
// the painted charts and to the whole screen painted (the app's own performance.measure; each
// change starts on a settled screen, as a person's next click would) and the memory of the
// app's processes. Asserts nothing; the figures go into the README.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Key, until } from 'selenium-webdriver';
import { byTestId, launch, prerequisites } from './harness.mjs';

const journal = process.env.BENCH_JOURNAL;
if (!journal || !fs.existsSync(journal)) throw new Error('BENCH_JOURNAL must name a journal file');
const pre = prerequisites();
if (pre.missing.length > 0) throw new Error(`cannot run: ${pre.missing.join(', ')}`);

const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`;
};

/** Resident memory (kB) of the app and of every process below it (WebKit's web process). */
function memory() {
  const pid = execFileSync('pgrep', ['-n', '-f', pre.app], { encoding: 'utf8' }).trim();
  const rss = (p) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  const children = (p) => {
    try {
      return fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  };
  const all = [];
  const walk = (p) => {
    all.push(p);
    children(p).forEach(walk);
  };
  walk(pid);
  return { app: rss(pid), total: all.reduce((sum, p) => sum + rss(p), 0), processes: all.length };
}

/** Waits until the screen has settled after the latest change (every part follows the
 * filters), then returns the durations of both measures so far. */
async function measured(s, seen) {
  let out;
  await s.wait(async () => {
    out = await s.executeScript(`
      if (document.querySelector('[data-testid="review-screen"]')?.getAttribute('aria-busy') !== 'false') return null;
      const d = (name) => performance.getEntriesByName(name, 'measure').map((m) => m.duration);
      return { data: d('review-data'), update: d('review-update'), settled: d('review-settled') };`);
    return out !== null && out.update.length > seen && out.settled.length > seen;
  }, 60000, 'the review to settle after a filter change');
  return out;
}

/** One run of the app on the journal, with extra environment for WebKit. */
async function bench(label, env) {
  console.log(`# ${label}`);
  Object.assign(process.env, env);
  const run = await launch(pre, { journal });
  const s = run.session;
  try {
    await s.wait(until.elementLocated(byTestId('nav-review')), 60000);
    const t0 = Date.now();
    await s.findElement(byTestId('nav-review')).click();
    const summary = await s.wait(until.elementLocated(byTestId('review-summary')), 60000);
    await s.wait(async () => (await s.findElements(byTestId('staff-card'))).length > 0, 60000);
    console.log(`review screen opened on ${await summary.getText()}: ${Date.now() - t0} ms`);

    const changes = [
      ['one channel', 'filter-channel', Key.ARROW_DOWN],
      ['a quarter', 'filter-range', Key.ARROW_DOWN],
      ['a year', 'filter-range', Key.ARROW_DOWN],
      ['all 104 weeks', 'filter-range', Key.ARROW_DOWN],
      ['back to 12 weeks', 'filter-range', Key.HOME],
      ['one topic', 'filter-topic', Key.ARROW_DOWN],
      ['all topics', 'filter-topic', Key.HOME],
      ['all channels', 'filter-channel', Key.HOME],
    ];
    let seen = 0;
    const charts = [];
    const settled = [];
    const change = async (label, act) => {
      await act();
      const all = await measured(s, seen);
      seen = all.update.length;
      charts.push(all.update.at(-1));
      settled.push(all.settled.at(-1));
      console.log(
        `filter change, ${label}: data ${all.data.at(-1).toFixed(0)} ms, charts ${all.update.at(-1).toFixed(0)} ms, whole screen ${all.settled.at(-1).toFixed(0)} ms`,
      );
    };
    for (const [label, id, key] of changes) {
      await change(label, () => s.findElement(byTestId(id)).sendKeys(key));
    }
    await s.findElement(byTestId('filter-staff-summary')).click();
    for (const n of [1, 2, 3]) {
      await change(`${n} staff member(s)`, () => s.findElements(byTestId('filter-staff-option')).then((o) => o[n].click()));
    }
    console.log(`filter change to painted charts, ${charts.length} changes: ${stats(charts)}`);
    console.log(`filter change to the whole screen painted (per-agent charts too): ${stats(settled)}`);
    const frames = await s.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      (async () => {
        const times = [];
        for (let i = 0; i < 20; i++) {
          const t = performance.now();
          await frame();
          times.push(performance.now() - t);
        }
        done(times);
      })();`);
    console.log(`one frame with nothing changed (the floor under every figure above): ${stats(frames)}`);
    const m = memory();
    console.log(
      `memory on the review screen with this journal: app process ${(m.app / 1024).toFixed(0)} MB, with its WebKit processes ${(m.total / 1024).toFixed(0)} MB (${m.processes} processes, resident)`,
    );
  } finally {
    await run.stop();
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

// Under Xvfb there is no GPU, so the app starts WebKit with compositing off. The second run
// forces compositing on, which here goes through Mesa's software GL: the price a machine
// without a GPU would pay if the app left WebKit's default alone.
await bench('the app as it starts (no GPU render node here, so compositing off)', {});
await bench('compositing forced on (WEBKIT_DISABLE_COMPOSITING_MODE=0; software GL here)', { WEBKIT_DISABLE_COMPOSITING_MODE: '0' });
