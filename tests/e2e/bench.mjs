// `make bench`, the app's part: the real app on a journal of 1,000,000 contacts (made by the
// CLI's demo), on the review screen. Prints how long each filter change takes from input to
// the painted charts (the app's own performance.measure) and the memory of the app's
// processes. Asserts nothing; the figures go into the README.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { By, Key, until } from 'selenium-webdriver';
import { launch, prerequisites } from './harness.mjs';

const journal = process.env.BENCH_JOURNAL;
if (!journal || !fs.existsSync(journal)) throw new Error('BENCH_JOURNAL must name a journal file');
const pre = prerequisites();
if (pre.missing.length > 0) throw new Error(`cannot run: ${pre.missing.join(', ')}`);

const byTestId = (id) => By.css(`[data-testid="${id}"]`);
const run = await launch(pre, { journal });
const s = run.session;

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

async function measured(seen) {
  let out;
  await s.wait(async () => {
    out = await s.executeScript("return performance.getEntriesByName('review-update', 'measure').map((m) => m.duration);");
    return out.length > seen;
  }, 60000, 'a review-update measurement');
  return out;
}

try {
  await s.wait(until.elementLocated(byTestId('nav-review')), 60000);
  let t0 = Date.now();
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
  const times = [];
  for (const [label, id, key] of changes) {
    await s.findElement(byTestId(id)).sendKeys(key);
    const all = await measured(seen);
    seen = all.length;
    times.push(all.at(-1));
    console.log(`filter change, ${label}: ${all.at(-1).toFixed(0)} ms`);
  }
  await s.findElement(byTestId('filter-staff-summary')).click();
  for (const n of [1, 2, 3]) {
    await s.findElements(byTestId('filter-staff-option')).then((o) => o[n].click());
    const all = await measured(seen);
    seen = all.length;
    times.push(all.at(-1));
    console.log(`filter change, ${n} staff member(s): ${all.at(-1).toFixed(0)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `filter change to painted charts, ${times.length} changes: median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`,
  );
  const m = memory();
  console.log(
    `memory on the review screen with this journal: app process ${(m.app / 1024).toFixed(0)} MB, with its WebKit processes ${(m.total / 1024).toFixed(0)} MB (${m.processes} processes, resident)`,
  );
} finally {
  await run.stop();
}
