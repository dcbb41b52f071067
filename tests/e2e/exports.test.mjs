// What a team lead takes to the meeting, made by the real app in Dutch: the report as a PDF
// (A4 pages, every table printed, the screen put back afterwards), the charts as a PNG wide
// enough for a slide, and the weekly table as a CSV a Dutch spreadsheet reads as numbers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { artifacts, byTestId, chooseLanguage, chord, demoJournal, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const pre = prerequisites();
let run;
let demo;

before(async () => {
  if (pre.missing.length > 0) return;
  demo = demoJournal(['--contacts', '2000', '--staff', '8', '--weeks', '26', '--seed', '3']);
  const { journal } = demo;
  run = await launch(pre, { journal });
});

after(async () => {
  await run?.stop();
  demo?.remove();
});



/** Clicks an export button and waits for the status line to name the file; returns it. */
async function exported(s, id, name) {
  await s.findElement(byTestId(id)).click();
  const file = path.join(run.saved, name);
  await s.wait(async () => (await s.findElement(By.css('.export-status')).getText()).includes(file), 30000, `${name} to be saved`);
  assert.ok(fs.statSync(file).size > 0, `${file} is not empty`);
  return file;
}

test('the report as PDF, the charts as PNG and the weekly table as CSV, in Dutch', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
  await chooseLanguage(s, 'Nederlands', 'nl');
  await chord(s, Key.CONTROL, '3');
  await s.wait(until.elementLocated(byTestId('staff-card')), 20000);
  const week = await s.executeScript(
    "return document.querySelector('[data-testid=review-summary]').textContent.match(/– (\\d{4}-W\\d{2})/)[1];",
  );
  const stamp = week.replace(/[^\w-]/g, '');

  // The weekly table: Dutch headers, semicolons, percentages with a decimal comma.
  const csv = fs.readFileSync(await exported(s, 'export-weeks', `contactmoment-weeks-${stamp}.csv`), 'utf8');
  const [head, ...rows] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(head, /^Week;Begin van de week;Contacten \(n\);Opgelost: positief \(4–5\);Opgelost: % positief;/);
  assert.ok(rows.some((r) => /;\d{1,3},\d;/.test(r)), `a share with a decimal comma: ${rows[0]}`);
  assert.ok(!rows.some((r) => /\d\.\d/.test(r)), 'no decimal points');

  // The charts: each drawn anew, at least 1,920 pixels wide.
  const png = fs.readFileSync(await exported(s, 'export-png', `contactmoment-${stamp}.png`));
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(width >= 1920, `the PNG is ${width} px wide`);
  assert.ok(height > width / 2, `the PNG is ${height} px high`);
  const colours = Number(execFileSync('identify', ['-format', '%k', path.join(run.saved, `contactmoment-${stamp}.png`)], { encoding: 'utf8' }));
  assert.ok(colours > 50, `the PNG has ${colours} colours: drawn, not blank`);
  fs.copyFileSync(path.join(run.saved, `contactmoment-${stamp}.png`), path.join(artifacts, 'export-chart.png'));

  // The report: A4 pages made by WebKit's print operation, every table included; afterwards
  // the screen is as it was (the one table the user had opened stays open, the rest fold).
  await s.findElement(byTestId('week-table-toggle')).click();
  await s.wait(until.elementLocated(byTestId('week-row')), 5000);
  const pdf = await exported(s, 'save-pdf', `contactmoment-report-${stamp}.pdf`);
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  assert.ok(pages >= 2, `the report has ${pages} pages`);
  assert.match(info, /Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Teamoverzicht/);
  assert.match(text, /Open opvolgingen/);
  // The weekly table (week, start, n) and the staff table are printed, not only the summary.
  const weekRows = text.split('\n').filter((l) => /^\s*\d{4}-W\d{2}\b.*\d{1,2} \w{3}\s+\d+/.test(l));
  assert.ok(weekRows.length >= 12, `${weekRows.length} weekly rows printed:\n${text.slice(0, 2000)}`);
  assert.match(text, /medewerker/i);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(artifacts, 'report-page')]);
  const open = await s.executeScript(
    "return [...document.querySelectorAll('.review-screen details.table-alt[open]')].map((d) => d.querySelector('summary').dataset.testid);",
  );
  assert.deepEqual(open, ['week-table-toggle'], 'the screen is put back after the report');
  t.diagnostic(`report: ${pages} pages; ${await screenshot(s, 'exports-review')}`);
});
