// A journal that cannot be opened: the real app says so on its start screen instead of
// starting an empty journal, restores the backup the person picks, and carries on with it;
// damage only the whole-file check after start-up finds takes the open app there too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Key, until } from 'selenium-webdriver';
import { axeViolations, byTestId, cli, cliList, demoJournal, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';


test('a damaged journal opens on a way out, and a backup restores it', async (t) => {
  const pre = prerequisites();
  if (!requireOrSkip(t, pre.missing)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-recovery-'));
  const journal = path.join(dir, 'journal.sqlite');
  cli(journal, ['log', '--staff', 'Eva', '--functional', '4', '--emotional', '2', '--note', 'back from the backup']);
  const backup = cli(journal, ['backup']).trim();
  assert.ok(fs.existsSync(backup));
  // The journal overwritten with garbage, as a bad copy or a failing disk might leave it.
  fs.writeFileSync(journal, Buffer.alloc(16384, 0xa5));
  for (const extra of ['-wal', '-shm']) fs.rmSync(journal + extra, { force: true });

  const run = await launch(pre, { journal });
  try {
    const s = run.session;
    const problem = await s.wait(until.elementLocated(byTestId('recovery-problem')), 30000);
    assert.equal(await problem.getText(), 'This file is not a Contactmoment journal.');
    assert.equal((await s.findElements(byTestId('nav-log'))).length, 0, 'no screen can be reached yet');
    const shot = await screenshot(s, 'recovery');
    await s.findElement(byTestId('recovery-restore')).click();
    await s.wait(until.elementLocated(byTestId('rating-functional-1')), 30000);
    t.diagnostic(`screenshot: ${shot}`);
  } finally {
    await run.stop();
  }
  const notes = cliList(journal).map((c) => c.note);
  assert.deepEqual(notes, ['back from the backup']);
  const aside = fs.readdirSync(dir).filter((n) => n.startsWith('journal-unusable-'));
  assert.equal(aside.length, 1, 'the damaged file is kept beside the journal');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('damage that only the whole-file check finds takes the open app to the recovery screen', async (t) => {
  const pre = prerequisites();
  if (!requireOrSkip(t, pre.missing)) return;
  const { journal, remove } = demoJournal(['--contacts', '4000', '--staff', '6', '--weeks', '8', '--seed', '7']);
  // Garbage over the leaf page of an index nearest the middle of the file (first byte 0x0a):
  // one of the contacts' indexes, so the header, the schema and the settings that start-up
  // reads stay whole, the journal opens and the log form is shown first.
  const bytes = fs.readFileSync(journal);
  const page = bytes.readUInt16BE(16);
  const pages = Math.floor(bytes.length / page);
  const middle = Math.floor(pages / 2);
  let victim = -1;
  for (let d = 0; d < pages && victim < 0; d++) {
    for (const p of [middle + d, middle - d]) {
      if (victim < 0 && p > 1 && p < pages && bytes[p * page] === 0x0a) victim = p;
    }
  }
  assert.ok(victim > 0, 'the journal has an index leaf page');
  const fd = fs.openSync(journal, 'r+');
  fs.writeSync(fd, Buffer.alloc(page, 0x5a), 0, page, victim * page);
  fs.closeSync(fd);
  const damaged = await launch(pre, { journal });
  try {
    const s = damaged.session;
    // The check starts when the web view shows its first screen, or 10 s after start.
    const problem = await s.wait(until.elementLocated(byTestId('recovery-problem')), 20000);
    assert.equal(await problem.getText(), 'The journal file is damaged.');
    assert.deepEqual(await axeViolations(s), [], 'the recovery screen passes axe-core');
    assert.equal(await s.executeScript("return performance.getEntriesByName('log-ready').length"), 1, 'the log form was shown first');
    t.diagnostic(`screenshot: ${await screenshot(s, 'recovery-after-start')}`);
    await s.findElement(byTestId('recovery-new')).click();
    await s.wait(until.elementLocated(byTestId('rating-functional-1')), 30000);
    await s.wait(async () => (await s.executeScript('return document.activeElement?.dataset?.testid')) === 'rating-functional-1', 5000);
    await s.actions({ async: true }).sendKeys('3').sendKeys('4').sendKeys(Key.ENTER).perform();
    await s.wait(until.elementTextIs(await s.wait(until.elementLocated(byTestId('status-text')), 5000), 'Saved'), 5000);
  } finally {
    await damaged.stop();
  }
  assert.equal(cliList(journal).length, 1, 'the new journal holds the contact saved after recovery');
  const dir = journal.slice(0, journal.lastIndexOf('/'));
  assert.equal(fs.readdirSync(dir).filter((n) => n.startsWith('journal-unusable-')).length, 1, 'the damaged file is kept');
  remove();
});
