// Every screen as a person sees it, with the demo loaded, in both languages, at the minimum
// window (640×520), the default (1100×760) and 1280×800: the page never scrolls sideways, no
// button, tab, label or heading has its text cut off, and no two cards overlap. Each view is
// saved as a screenshot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, checkLayout as check, chord, cli, demoJournal, launch, prerequisites, requireOrSkip } from './harness.mjs';

const pre = prerequisites();
let run;
let demo;

before(async () => {
  if (pre.missing.length > 0) return;
  demo = demoJournal(['--contacts', '3000', '--staff', '12', '--weeks', '30', '--seed', '7']);
  const { journal } = demo;
  // The Journal lists the user's own contacts: two with long details, as the CLI logs them
  // under the same default name as the app.
  for (const rating of ['4', '2']) {
    cli(journal, [
      'log', '--functional', rating, '--emotional', rating, '--channel', 'email',
      '--topic', 'Terugbetaling van een dubbel afgeschreven abonnement',
      '--note', 'Klant belde terug over de factuur van vorige maand; uitgelegd en creditnota toegezegd.',
    ]);
  }
  run = await launch(pre, { journal });
});

after(async () => {
  await run?.stop();
  demo?.remove();
});



// The largest screen here, the window's default size, and its minimum.
const SIZES = [
  [1280, 800],
  [1100, 760],
  [640, 520],
];
const LANGUAGES = [
  ['en', 'English'],
  ['nl', 'Nederlands'],
];

test('every screen fits at 640×520, 1100×760 and 1280×800, in Dutch and English', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
  const found = [];
  for (const [lang, language] of LANGUAGES) {
    await chord(s, Key.CONTROL, '4');
    await s.wait(until.elementLocated(byTestId('settings-language')), 5000);
    await s.findElement(byTestId('settings-language')).sendKeys(language);
    await s.findElement(byTestId('settings-save')).click();
    await s.wait(async () => (await s.executeScript('return document.documentElement.lang')) === lang, 5000, `the page in ${language}`);
    for (const [width, height] of SIZES) {
      await s.manage().window().setRect({ width, height });
      await s.wait(
        async () => (await s.executeScript('return [window.innerWidth, window.innerHeight]')).join() === `${width},${height}`,
        5000,
        `a ${width}×${height} window`,
      );
      const size = `${width}x${height}-${lang}`;

      await chord(s, Key.CONTROL, '1');
      await s.wait(until.elementLocated(byTestId('rating-functional-1')), 5000);
      await s.findElement(By.css('details.details > summary')).click();
      await check(s, `log-${size}`, found);

      await chord(s, Key.CONTROL, '2');
      await s.wait(until.elementLocated(byTestId('journal-row')), 10000);
      await check(s, `journal-${size}`, found);

      await chord(s, Key.CONTROL, '3');
      await s.wait(until.elementLocated(byTestId('staff-card')), 20000);
      await check(s, `review-${size}`, found);
      // Every "Show as table" open, as a keyboard or screen-reader user reads the figures.
      await s.executeScript(`for (const d of document.querySelectorAll('details.table-alt')) d.open = true;`);
      await s.wait(until.elementLocated(byTestId('week-row')), 5000);
      // The rest of the review, a part at a time, as a person scrolls down to it.
      for (const part of ['changed', 'trend', 'notes', 'compare', 'quadrant', 'dist', 'practices', 'views', 'levels', 'dissatisfiers', 'staff', 'follow', 'moments']) {
        // The practices and the moments arrive after the charts.
        const heading = await s.wait(until.elementLocated(By.id(`${part}-title`)), 10000);
        await s.executeScript('arguments[0].scrollIntoView({ block: "start" });', heading);
        await check(s, `review-${part}-${size}`, found);
      }
      await s.executeScript(`window.scrollTo(0, 0); for (const d of document.querySelectorAll('details.table-alt')) d.open = false;`);
      await s.findElement(byTestId('filter-staff-summary')).click();
      const option = await s.wait(until.elementLocated(byTestId('filter-staff-option')), 5000);
      // The picker shows each name beside its box, on one line.
      const row = await s.executeScript(
        'const box = arguments[0].getBoundingClientRect(); const label = arguments[0].nextElementSibling.getBoundingClientRect();' +
          'return { boxWidth: box.width, sameLine: Math.abs(box.top + box.height / 2 - (label.top + label.height / 2)) < 4, labelWidth: label.width, inPopup: label.right <= arguments[0].closest(".staff-pop").getBoundingClientRect().right };',
        option,
      );
      assert.ok(row.boxWidth < 30 && row.sameLine && row.labelWidth > 20 && row.inPopup, `staff picker row ${JSON.stringify(row)}`);
      await check(s, `review-staff-picker-${size}`, found);
      await s.findElement(byTestId('filter-staff-summary')).click();

      await chord(s, Key.CONTROL, '4');
      await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
      await check(s, `settings-${size}`, found);
    }
  }
  await s.manage().window().setRect({ width: 1280, height: 800 });
  assert.deepEqual(found, [], `layout problems:\n${found.join('\n')}`);
});
