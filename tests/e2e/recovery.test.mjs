// A journal that cannot be opened: the real app says so on its start screen instead of
// starting an empty journal, restores the backup the person picks, and carries on with it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { until } from 'selenium-webdriver';
import { byTestId, cli, cliList, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';


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
