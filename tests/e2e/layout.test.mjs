// Every screen as a person sees it, with the demo loaded, in both languages, at the minimum
// window (640×520), the default (1100×760) and 1280×800: the page never scrolls sideways, no
// button, tab, label or heading has its text cut off, and no two cards overlap. Each view is
// saved as a screenshot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, chord, cli, demoJournal, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

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



/** What is wrong with the layout as drawn now: a list of sentences, empty when all is well. */
function layoutProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page is ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
  }
  // A table that scrolls sideways in its own box hides columns just the same.
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.getBoundingClientRect().width > 0 && wrap.scrollWidth > wrap.clientWidth + 1) {
      const table = wrap.querySelector('table')?.dataset.testid ?? 'a table';
      problems.push(`${table} needs ${wrap.scrollWidth} px in a ${wrap.clientWidth} px box`);
    }
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      if (e.tagName === 'DETAILS' && !e.open && e !== el && !e.querySelector(':scope > summary')?.contains(el)) return false;
    }
    return true;
  };
  const name = (el) => {
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
    return `${el.tagName.toLowerCase()}${id} "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
  };
  const texts = 'button, label, summary, legend, th, td, a, select, h1, h2, h3, figcaption, .tab, .period-label, .q-name, .status-text';
  for (const el of document.querySelectorAll(texts)) {
    if (!visible(el)) continue;
    const cs = getComputedStyle(el);
    // A name shortened with an ellipsis on purpose carries its whole text in a title.
    if (cs.textOverflow === 'ellipsis' && el.title) continue;
    if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible') {
      problems.push(`${name(el)} is cut off (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
    }
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) problems.push(`${name(el)} runs past the window's right edge`);
  }
  const cards = [...document.querySelectorAll('.card, .block, figure')].filter(visible);
  for (let i = 0; i < cards.length; i++) {
    for (let j = i + 1; j < cards.length; j++) {
      const [a, b] = [cards[i], cards[j]];
      if (a.contains(b) || b.contains(a)) continue;
      const ra = a.getBoundingClientRect();
      const rb = b.getBoundingClientRect();
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) problems.push(`${name(a)} and ${name(b)} overlap`);
    }
  }
  return problems;
}

async function check(s, label, found) {
  const problems = await s.executeScript(`return (${layoutProblems.toString()})();`);
  const shot = await screenshot(s, `layout-${label}`);
  for (const p of problems) found.push(`${label}: ${p} (see ${shot})`);
}

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
      for (const part of ['trend', 'compare', 'quadrant', 'dist', 'staff', 'follow']) {
        await s.executeScript(`document.getElementById('${part}-title').scrollIntoView({ block: 'start' });`);
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
