// A start of the real app on a journal it has opened before: the first screen comes up in
// the language chosen there, from what the shell handed the page before its script ran, not
// from a round trip after it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { until } from 'selenium-webdriver';
import { byTestId, chooseLanguage, launch, prerequisites, requireOrSkip } from './harness.mjs';

test('a restart shows the log form in the language chosen, handed over before the page ran', async (t) => {
  const pre = prerequisites();
  if (!requireOrSkip(t, pre.missing)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-start-'));
  const journal = path.join(dir, 'journal.sqlite');
  try {
    const first = await launch(pre, { journal });
    try {
      const s = first.session;
      await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
      await chooseLanguage(s, 'Nederlands', 'nl');
    } finally {
      await first.stop();
    }

    const again = await launch(pre, { journal });
    try {
      const s = again.session;
      await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
      const handed = await s.executeScript('return window.__CONTACTMOMENT_FIRST_SCREEN__');
      assert.equal(handed?.problem, null, 'no start-up problem');
      assert.equal(handed?.settings?.language, 'nl', 'the settings were handed over');
      const firstDrawn = await s.executeScript(
        "return performance.getEntriesByName('log-ready').map((m) => m.detail && m.detail.lang)",
      );
      assert.deepEqual(firstDrawn, ['nl'], 'the log form came up in Dutch before any round trip');
      assert.equal(await s.executeScript('return document.documentElement.lang'), 'nl');
      assert.match(await s.findElement(byTestId('nav-log')).getText(), /^Vastleggen/);
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
