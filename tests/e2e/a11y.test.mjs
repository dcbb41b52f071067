// Every screen of the real app, as axe-core judges it (WCAG 2.1 A/AA and best practice): in
// the light and the dark theme, in English and in Dutch, on a journal with figures to show.
// The recovery screen is judged in recovery.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { axeViolations, byTestId, chord, demoJournal, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const pre = prerequisites();
const SCREENS = [['1', 'log'], ['2', 'journal'], ['3', 'review'], ['4', 'settings']];

async function settle(s, name) {
  await s.wait(async () => (await s.findElement(byTestId(`nav-${name}`)).getAttribute('aria-current')) === 'page', 5000);
  // Until a screen's figures arrive it is busy; axe judges the screen as it is then used.
  await s.wait(async () => (await s.findElements(By.css('main [aria-busy="true"]'))).length === 0, 20000);
  await s.sleep(400);
}

for (const theme of ['light', 'dark']) {
  test(`every screen passes axe-core in the ${theme} theme, in English and in Dutch`, async (t) => {
    if (!requireOrSkip(t, pre.missing)) return;
    const { journal, remove } = demoJournal(['--contacts', '1500', '--staff', '6', '--weeks', '12', '--seed', '3']);
    let run;
    const found = [];
    try {
      // GTK's dark variant is what a desktop's dark preference sets; WebKit reports it to CSS.
      run = await launch(pre, { journal, env: theme === 'dark' ? { GTK_THEME: 'Adwaita:dark' } : {} });
      const s = run.session;
      await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
      const dark = await s.executeScript("return matchMedia('(prefers-color-scheme: dark)').matches");
      assert.equal(dark, theme === 'dark', `the page sees the ${theme} theme`);
      for (const [language, saved] of [['English', 'Settings saved.'], ['Nederlands', 'Instellingen opgeslagen.']]) {
        await chord(s, Key.CONTROL, '4');
        const select = await s.wait(until.elementLocated(byTestId('settings-language')), 5000);
        await select.sendKeys(language);
        await s.findElement(byTestId('settings-save')).click();
        await s.wait(until.elementTextIs(s.findElement(byTestId('settings-status')), saved), 5000);
        for (const [key, name] of SCREENS) {
          await chord(s, Key.CONTROL, key);
          await settle(s, name);
          for (const v of await axeViolations(s)) found.push(`${theme}, ${language}, ${name}: ${v}`);
          await screenshot(s, `a11y-${theme}-${language === 'English' ? 'en' : 'nl'}-${name}`);
        }
      }
    } finally {
      await run?.stop();
      remove();
    }
    assert.deepEqual(found, [], `axe-core found:\n${found.join('\n')}`);
  });
}
