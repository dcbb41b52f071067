// A frontline staff member's first minutes, in the real app: set a name, log two contacts
// with the keyboard alone, find them in the journal, and see the review's week table count them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, chord, cliList, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const pre = prerequisites();
let run;

before(async () => {
  if (pre.missing.length === 0) run = await launch(pre);
});

after(async () => {
  await run?.stop();
});


async function text(session, id) {
  return (await session.findElement(byTestId(id)).getText()).trim();
}

async function press(session, ...keys) {
  await session.actions({ async: true }).sendKeys(...keys).perform();
}


async function activeTestId(session) {
  return session.switchTo().activeElement().getAttribute('data-testid');
}

test('log two contacts by keyboard, see them in the journal and the week', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  const shots = [];
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
  assert.equal(await activeTestId(s), 'rating-functional-1', 'the log form is focused on start');

  // Settings: a display name and English, so the texts below are fixed.
  await s.findElement(byTestId('nav-settings')).click();
  const name = await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
  await name.clear();
  await name.sendKeys('Eva de Vries');
  await s.findElement(byTestId('settings-language')).sendKeys('English');
  await s.findElement(byTestId('settings-save')).click();
  await s.wait(until.elementTextIs(s.findElement(By.css('.settings-form [role=status]')), 'Settings saved.'), 5000);
  shots.push(await screenshot(s, 'settings'));

  // Back to the log screen with Ctrl+1; from here on, keyboard only.
  await chord(s, Key.CONTROL, '1');
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 5000);
  await s.wait(async () => (await activeTestId(s)) === 'rating-functional-1', 5000);

  const durations = [];
  // A solved contact with service level 4 (a third, optional digit); then one not solved,
  // whose one extra digit says why (3: bill or order wrong), saved without a level.
  for (const [f, e] of [['4', '5'], ['2', '4']]) {
    await press(s, f);
    await press(s, e);
    if (f === '4') {
      assert.equal(await activeTestId(s), 'rating-level-1', 'after two digits the optional level is next');
      await press(s, '4');
      assert.equal(await activeTestId(s), 'save', 'after the level the focus is on Save');
      shots.push(await screenshot(s, 'log-save-focus'));
    } else {
      assert.equal(await activeTestId(s), 'rating-reason-1', 'a contact not solved asks why, with one key');
      await press(s, '3');
      assert.equal(await activeTestId(s), 'rating-level-1');
      shots.push(await screenshot(s, 'log-reason'));
    }
    await press(s, Key.ENTER);
    await s.wait(async () => (await s.findElements(byTestId('status-text'))).length > 0 &&
      (await s.findElement(By.css('.status-detail')).getText()).startsWith(`Solved ${f}, welcome ${e} · contact of `), 5000);
    assert.equal(await text(s, 'status-text'), 'Saved');
    assert.equal(await activeTestId(s), 'rating-functional-1', 'the form is ready for the next contact');
    durations.push(await s.executeScript(
      "const m = performance.getEntriesByName('log-save', 'measure'); return m[m.length - 1].duration;",
    ));
  }
  shots.push(await screenshot(s, 'log'));
  t.diagnostic(`Enter to "Saved" (performance.measure in the app): ${durations.map((d) => d.toFixed(1)).join(' ms, ')} ms`);

  // The journal lists both, newest first.
  await chord(s, Key.CONTROL, '2');
  await s.wait(async () => (await s.findElements(byTestId('journal-row'))).length === 2, 5000);
  const rows = await s.findElements(byTestId('journal-row'));
  const ratings = [];
  for (const row of rows) {
    ratings.push([
      await row.findElement(byTestId('row-functional')).getText(),
      await row.findElement(byTestId('row-emotional')).getText(),
    ]);
  }
  assert.deepEqual(ratings, [['2', '4'], ['4', '5']]);
  shots.push(await screenshot(s, 'journal'));

  // The review's weekly table: n = 2; solved 1 of 2 (a 4 and a 2), welcome 2 of 2 (a 5 and a
  // 4); too few for a share.
  await chord(s, Key.CONTROL, '3');
  const toggle = await s.wait(until.elementLocated(byTestId('week-table-toggle')), 5000);
  await toggle.click();
  const first = await s.wait(until.elementLocated(byTestId('week-row')), 5000);
  assert.equal(await first.findElement(byTestId('week-n')).getText(), '2');
  assert.equal(await first.findElement(byTestId('week-functional-count')).getText(), '1 of 2');
  assert.equal(await first.findElement(byTestId('week-emotional-count')).getText(), '2 of 2');
  assert.match(await first.findElement(byTestId('week-functional')).getText(), /not enough data/);
  assert.equal((await s.findElements(byTestId('week-row'))).length, 12);
  for (const axis of ['functional', 'emotional']) {
    assert.ok(await s.findElement(By.css(`[data-testid="chart-${axis}"] canvas`)), `the ${axis} chart is drawn`);
  }
  shots.push(await screenshot(s, 'review-two-contacts'));

  // What the app said it saved is in the journal file, under the chosen name.
  const stored = cliList(run.journal);
  assert.deepEqual(stored.map((c) => [c.functional, c.emotional, c.staff, c.channel, c.reason, c.level]), [
    [2, 4, 'Eva de Vries', 'phone', 'wrong', null],
    [4, 5, 'Eva de Vries', 'phone', null, 4],
  ]);
  // The app made its daily backup when it started, beside the journal.
  const backups = fs.readdirSync(path.join(path.dirname(run.journal), 'backups'));
  assert.equal(backups.length, 1, `one backup on the first start: ${backups}`);
  assert.match(backups[0], /^journal-\d{4}-\d{2}-\d{2}T\d{6}\.sqlite$/);

  // A rename keeps the contacts: the Journal still lists both, and Settings offers to put
  // them under the new name, after which the journal file says so.
  await chord(s, Key.CONTROL, '4');
  const rename = await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
  await rename.clear();
  await rename.sendKeys('Eva Jansen');
  await s.findElement(byTestId('settings-save')).click();
  const offer = await s.wait(until.elementLocated(byTestId('earlier-names')), 5000);
  assert.match(await offer.getText(), /2 of your contacts still carry an earlier name of yours: “Eva de Vries”/);
  shots.push(await screenshot(s, 'settings-rename'));
  await chord(s, Key.CONTROL, '2');
  await s.wait(async () => (await s.findElements(byTestId('journal-row'))).length === 2, 5000);
  await chord(s, Key.CONTROL, '4');
  await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
  await s.findElement(byTestId('settings-save')).click();
  await (await s.wait(until.elementLocated(byTestId('carry-over')), 5000)).click();
  await s.wait(until.elementTextIs(s.findElement(By.css('.settings-form [role=status]')), 'Moved 2 contacts to “Eva Jansen”.'), 5000);
  assert.deepEqual(cliList(run.journal).map((c) => c.staff), ['Eva Jansen', 'Eva Jansen']);

  // A known customer: while the next contact with them is logged, one line sums up the
  // earlier ones and marks a repeat of one that was not solved.
  await chord(s, Key.CONTROL, '1');
  await s.wait(async () => (await activeTestId(s)) === 'rating-functional-1', 5000);
  await press(s, '2');
  await press(s, '4');
  const showDetails = async () => {
    const field = await s.findElement(byTestId('field-customer'));
    if (!(await field.isDisplayed())) await s.findElement(By.css('[data-testid="contact-form-log"] details > summary')).click();
    await s.wait(until.elementIsVisible(field), 5000);
    return field;
  };
  const customer = await showDetails();
  await s.findElement(byTestId('field-topic')).sendKeys('factuur');
  await customer.sendKeys('K-1001');
  // Well past the pause after typing: a customer never seen has no line.
  await s.sleep(800);
  assert.equal((await s.findElements(byTestId('customer-history'))).length, 0, 'a new customer has no history');
  await customer.sendKeys(Key.ENTER);
  await s.wait(async () => cliList(run.journal).length === 3, 5000, 'the contact with K-1001 is saved');
  await (await showDetails()).sendKeys('K-1001');
  const line = await s.wait(until.elementLocated(byTestId('customer-history')), 5000);
  await s.wait(async () => /^1 earlier contact, today · solved 0 of 1 · felt welcome 1 of 1\s*Repeat contact: the last one \(today\) was not rated solved \(1–3\)\.$/.test(await line.getText()), 5000, 'the history line');
  await s.executeScript('arguments[0].scrollIntoView({ block: "center" })', line);
  shots.push(await screenshot(s, 'log-history'));

  // The topic suggests "factuur"; choosing it with the arrows and Enter neither saves nor
  // clears the form, and Esc on the list only closes it.
  const topic = await s.findElement(byTestId('field-topic'));
  await topic.sendKeys('fa');
  await topic.sendKeys(Key.ARROW_DOWN);
  await topic.sendKeys(Key.ENTER);
  await topic.sendKeys(Key.ARROW_DOWN, Key.ESCAPE);
  await s.sleep(300);
  assert.equal(cliList(run.journal).length, 3, 'choosing a suggestion saves nothing');
  assert.equal(await s.findElement(byTestId('field-customer')).getAttribute('value'), 'K-1001', 'nor clears the form');
  assert.equal(await topic.getAttribute('value'), 'factuur', 'the suggestion is taken');
  t.diagnostic(`screenshots: ${shots.join(', ')}`);
});
