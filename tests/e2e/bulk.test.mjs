// A team lead exports the contacts of a large journal from the review and logs a call while
// it runs: the line under the top bar shows how far the export is on the log screen too, the
// save is not held up by it, and the file holds the contacts as they were when it began.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Key, until } from 'selenium-webdriver';
import { byTestId, chord, cli, demoJournal, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const CONTACTS = 150000;

async function press(session, ...keys) {
  await session.actions({ async: true }).sendKeys(...keys).perform();
}

const text = async (session, id) => (await session.findElements(byTestId(id)))[0]?.getText() ?? null;

test('a long export shows its progress on every screen while a contact is logged', async (t) => {
  const pre = prerequisites();
  if (!requireOrSkip(t, pre.missing)) return;
  const demo = demoJournal(['--contacts', String(CONTACTS), '--staff', '20', '--weeks', '12', '--seed', '5']);
  const run = await launch(pre, { journal: demo.journal });
  try {
    const s = run.session;
    await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
    await chord(s, Key.CONTROL, '3');
    await s.wait(until.elementLocated(byTestId('review-summary')), 30000);
    await s.findElement(byTestId('export-contacts')).click();

    await s.wait(until.elementLocated(byTestId('bulk-progress-text')), 20000);
    const started = await text(s, 'bulk-progress-text');
    assert.match(started ?? '', /^Exporting contacts: [\d,]+ of 150,000 \(\d+%\)$/);
    const shot = await screenshot(s, 'bulk-export-review');

    // The log form, with the export still running: the line is there too, and Enter saves.
    await chord(s, Key.CONTROL, '1');
    await s.wait(async () => (await s.switchTo().activeElement().getAttribute('data-testid')) === 'rating-functional-1', 5000);
    await press(s, '4');
    await press(s, '5');
    const pressed = Date.now();
    await press(s, Key.ENTER);
    await s.wait(async () => (await text(s, 'status-text')) === 'Saved', 5000);
    const savedAfter = Date.now() - pressed;
    const during = await text(s, 'bulk-progress-text');
    assert.ok(during, 'the export was still running when the contact was saved');
    const shotLog = await screenshot(s, 'bulk-export-log');

    const outcome = await s.wait(until.elementLocated(byTestId('bulk-outcome')), 90000);
    const said = await outcome.getText();
    assert.match(said, /^Contacts saved to /);
    const file = said.replace(/^Contacts saved to /, '');
    assert.equal(path.dirname(file), run.saved);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, CONTACTS + 1, 'a header and every contact of the moment the export began');
    assert.equal(lines[0].replace(/^\uFEFF/, '').split(',')[0], 'id', 'a header, after the mark spreadsheets read as UTF-8');
    const exported = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    const newest = JSON.parse(cli(demo.journal, ['list', '--limit', '20', '--format', 'json']));
    assert.deepEqual(
      newest.filter((c) => !exported.has(c.id)).map((c) => [c.functional, c.emotional]),
      [[4, 5]],
      'the contact logged meanwhile is in the journal, and not in the file',
    );
    t.diagnostic(`saved in ${savedAfter} ms during the export (at "${during}"); ${shot}, ${shotLog}`);

    // A second export, stopped from its line: no file, and the one made before is untouched.
    await chord(s, Key.CONTROL, '3');
    await s.wait(until.elementLocated(byTestId('export-contacts')), 5000);
    await s.wait(async () => s.findElement(byTestId('export-contacts')).isEnabled(), 5000);
    fs.renameSync(file, `${file}.first`);
    await s.findElement(byTestId('export-contacts')).click();
    const stop = await s.wait(until.elementLocated(byTestId('bulk-stop')), 20000);
    await stop.click();
    const stopped = await s.wait(until.elementLocated(byTestId('bulk-outcome')), 30000);
    assert.equal(await stopped.getText(), 'Export stopped: no file was saved.');
    assert.deepEqual(fs.readdirSync(run.saved), [`${path.basename(file)}.first`], 'nothing written stays behind');
  } finally {
    await run.stop();
    demo.remove();
  }
});
