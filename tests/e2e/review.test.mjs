// A team lead's review in the real app: load the demo data into an empty journal, filter to
// one agent, drill into a week and see that agent's contacts listed; along the way the time
// from a filter change to the redrawn charts is read from the app's own measurements.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, chord, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const pre = prerequisites();
let run;

before(async () => {
  if (pre.missing.length === 0) run = await launch(pre);
});

after(async () => {
  await run?.stop();
});

const AGENT = 'Eva de Vries';


/** The number of contacts a review summary names ("1,104 contacts in …" in English). */
const contactsIn = (text) => Number(/^([\d,]+) contacts/.exec(text)?.[1]?.replaceAll(',', ''));

/** The last filter-change measurement the review made, in ms, once it is newer than `seen`. */
async function lastUpdate(s, seen) {
  let out;
  await s.wait(async () => {
    const all = await s.executeScript(
      "return performance.getEntriesByName('review-update', 'measure').map((m) => m.duration);",
    );
    if (all.length > seen) out = all;
    return all.length > seen;
  }, 10000, `a review-update measurement after ${seen}`);
  return out;
}

test('load demo data, filter to one agent, drill into a week, see the contacts', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);

  await s.findElement(byTestId('nav-settings')).click();
  const name = await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
  await name.clear();
  await name.sendKeys(AGENT);
  await s.findElement(byTestId('settings-language')).sendKeys('English');
  await s.findElement(byTestId('settings-target-emotional')).sendKeys('45');
  await s.findElement(byTestId('settings-save')).click();
  await s.wait(until.elementTextIs(s.findElement(By.css('.settings-form [role=status]')), 'Settings saved.'), 5000);

  // An empty journal offers the demo; afterwards the review shows the team's weeks.
  await chord(s, Key.CONTROL, '3');
  const load = await s.wait(until.elementLocated(byTestId('load-demo')), 5000);
  await load.click();
  // Asked once more, with the focus on the answer.
  await s.wait(until.elementLocated(byTestId('demo-confirm')), 5000);
  assert.equal(await s.switchTo().activeElement().getAttribute('data-testid'), 'load-demo-yes');
  await s.switchTo().activeElement().sendKeys(Key.ENTER);
  const summary = await s.wait(until.elementLocated(byTestId('review-summary')), 30000);
  await s.wait(async () => !(await summary.getText()).startsWith('0 '), 10000, 'the demo in the summary');
  const teamText = await summary.getText();
  const team = contactsIn(teamText);
  assert.ok(team > 500, `the demo fills the last 12 weeks: ${teamText}`);
  assert.match(await s.findElement(byTestId('references')).getText(), /team target 45%/);
  assert.match(await s.findElement(byTestId('references')).getText(), /Nationaal Klantbelevingsonderzoek/);
  // The small multiples are drawn after the charts.
  await s.wait(async () => (await s.findElements(byTestId('staff-card'))).length > 0, 10000, 'small multiples');
  const before = (await s.findElements(byTestId('staff-card'))).length;
  assert.ok(before >= 8, `one small chart per agent (${before})`);
  await screenshot(s, 'review');
  // What changed since the previous period, in sentences a lead can read out.
  const changed = await s.wait(until.elementLocated(byTestId('what-changed')), 10000);
  await s.wait(async () => (await changed.findElements(By.css('[data-testid="changed-move"], [data-testid="changed-none"]'))).length > 0, 10000, 'what changed');
  for (const move of await changed.findElements(byTestId('changed-move'))) {
    assert.match(await move.getText(), /(fell|rose) from \d+% to \d+%: [−+]\d+ percentage points \(95% interval [−+±]\d+ to [−+±]\d+\)/);
  }
  t.diagnostic(`what changed on the demo: ${(await changed.getText()).replace(/\s+/g, ' ')}`);
  for (const [id, shot] of [['what-changed', 'review-changed'], ['comparison', 'review-compare'], ['multiples', 'review-staff'], ['follow-ups', 'review-follow-ups']]) {
    await s.executeScript(`document.querySelector('[data-testid="${id}"]').scrollIntoView()`);
    await screenshot(s, shot);
  }
  // The practices the research recommends, on the demo: the customers' own score for the
  // period with its interval and answers, beside the staff's impression; the level mix against
  // the advised mix of effort, one row per level; the moments to share, by name.
  const nps = await s.wait(until.elementLocated(byTestId('practice-nps')), 10000);
  assert.match(
    (await nps.getText()).replace(/\s+/g, ' '),
    /^Customers’ own score \(NPS\) [+−]?\d+ 95% interval [+−]?\d+ to [+−]?\d+ · \d+ answers: \d+ promoters \(9–10\), \d+ detractors \(0–6\)/,
  );
  assert.match(await s.findElement(byTestId('practice-views')).getText(), /^Of \d+ customers who scored 0–6, \d+ were rated welcome \(4–5\) by staff/);
  const levels = await s.findElements(By.css('[data-testid="level-table"] tbody tr'));
  assert.equal(levels.length, 5, 'one row per service level');
  // Cell by cell: the share now with its interval and count, before, and the advised share.
  const cells = await Promise.all((await levels[3].findElements(By.css('th, td'))).map(async (c) => (await c.getText()).replace(/\u2060/g, '')));
  assert.equal(cells.length, 4, cells.join(' | '));
  assert.equal(cells[0], '4 · As desired');
  assert.match(cells[1], /^\d+% \(\d+–\d+%\) \(\d+\)$/);
  assert.match(cells[2], /^\d+% \(\d+–\d+%\) \(\d+\)$/);
  assert.equal(cells[3], '50%');
  assert.ok((await s.findElements(byTestId('reason-row'))).length > 0, 'why contacts failed, per reason');
  const people = await s.findElements(byTestId('moments-person'));
  const names = await Promise.all(people.map(async (p) => (await p.findElement(By.css('strong'))).getText()));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), 'moments by name, not ranked');
  for (const [id, shot] of [['practices', 'review-practices'], ['level-table', 'review-levels'], ['moments', 'review-moments']]) {
    await s.executeScript(`document.querySelector('[data-testid="${id}"]').scrollIntoView()`);
    await screenshot(s, shot);
  }
  // A week note, pinned by keyboard, is listed under the charts with its number.
  const noteText = await s.findElement(byTestId('week-note-text'));
  await s.executeScript('arguments[0].scrollIntoView({ block: "center" })', noteText);
  const noteWeek = await s.findElement(byTestId('week-note-week')).getAttribute('value');
  await noteText.sendKeys('new call-back procedure', Key.ENTER);
  const pinned = await s.wait(until.elementLocated(byTestId('week-note')), 5000);
  assert.ok((await pinned.getText()).startsWith(`${noteWeek}: new call-back procedure`), await pinned.getText());
  await screenshot(s, 'review-week-note');
  await s.executeScript('window.scrollTo(0, 0)');

  // Filter to one agent: the staff list, the summary and the small multiples follow.
  const timings = [];
  let seen = 0;
  await s.findElement(byTestId('filter-staff-summary')).click();
  await s.findElement(By.css(`[data-testid="filter-staff-option"][data-name="${AGENT}"]`)).click();
  let all = await lastUpdate(s, seen);
  seen = all.length;
  timings.push(all.at(-1));
  await s.wait(async () => (await s.findElements(byTestId('staff-card'))).length === 1, 10000, 'one small chart');
  assert.equal(await s.findElement(byTestId('filter-staff-summary')).getText(), AGENT);
  const mine = contactsIn(await s.findElement(byTestId('review-summary')).getText());
  assert.ok(mine > 0 && mine < team, `the agent's contacts are a part of the team's (${mine} of ${team})`);
  await s.findElement(byTestId('filter-staff-summary')).click();

  // A few more filter changes, each timed by the app from input to painted charts.
  // Lists are stepped with the arrow keys: all channels to phone, 12 weeks to the quarter, and
  // back to all channels.
  for (const [id, value] of [['filter-channel', Key.ARROW_DOWN], ['filter-range', Key.ARROW_DOWN], ['filter-channel', Key.ARROW_UP]]) {
    await s.findElement(byTestId(id)).sendKeys(value);
    all = await lastUpdate(s, seen);
    seen = all.length;
    timings.push(all.at(-1));
  }
  t.diagnostic(`filter change to redrawn charts (performance.measure in the app): ${timings.map((d) => d.toFixed(1)).join(' ms, ')} ms`);

  // Drill into the latest week with contacts through the weekly table.
  await s.findElement(byTestId('week-table-toggle')).click();
  await s.wait(until.elementLocated(byTestId('week-row')), 5000);
  const rows = await s.findElements(byTestId('week-row'));
  assert.equal(rows.length, 13, 'a quarter is 13 weeks');
  let week;
  for (const row of rows) {
    const buttons = await row.findElements(byTestId('week-contacts'));
    if (buttons.length > 0) {
      week = await row.getAttribute('data-week');
      await buttons[0].click();
      break;
    }
  }
  assert.ok(week, 'some week has contacts');
  const dialog = await s.wait(until.elementLocated(byTestId('drill')), 5000);
  assert.equal(await dialog.findElement(By.css('h2')).getText(), `Contacts of ${week}`);
  await s.wait(async () => (await dialog.findElements(byTestId('contact-row'))).length > 0, 10000, 'contacts listed');
  const listed = await dialog.findElements(byTestId('contact-row'));
  for (const row of listed) {
    const cells = await row.findElements(By.css('td'));
    assert.equal(await cells[1].getText(), AGENT, 'only the filtered agent’s contacts');
  }
  const total = await dialog.findElement(byTestId('drill-total')).getText();
  assert.match(total, new RegExp(`^${listed.length} of \\d+ contacts`));
  await screenshot(s, 'review-drill');
  await s.actions({ async: true }).sendKeys(Key.ESCAPE).perform();
  await s.wait(async () => (await s.findElements(byTestId('drill'))).length === 0, 5000);
});
