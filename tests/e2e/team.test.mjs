// Team mode in the real app: a team server started here (PostgreSQL in a temporary folder,
// HTTPS with a CA of its own), the app joins as the team lead with a pasted code and logs a
// contact; a colleague joins and logs with the CLI; her contact reaches the lead's review
// without anyone pressing a button.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, checkLayout, chord, cli, cliList, launch, prerequisites, requireOrSkip, root, screenshot } from './harness.mjs';

const pre = prerequisites();
const serverBin = path.join(root, 'target/debug/contactmoment-server');
if (!fs.existsSync(serverBin)) pre.missing.push('the team server binary (run cargo build)');
if (!fs.existsSync('/usr/lib/postgresql')) pre.missing.push('PostgreSQL (run make setup-test)');

let run;
let team;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts scripts/team-server.sh in a temporary folder; resolves once it prints the codes. */
async function startTeam() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-team-'));
  const port = await freePort();
  const child = spawn(path.join(root, 'scripts/team-server.sh'), [], {
    env: { ...process.env, CONTACTMOMENT_TEAM_DIR: dir, CONTACTMOMENT_SERVER_LISTEN: `127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const deadline = Date.now() + 60000;
  while (!out.includes('Paste one')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the team server did not start:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Serving starts right after the codes are printed.
  await new Promise((r) => setTimeout(r, 500));
  const code = (who) => out.split('\n').find((l) => l.startsWith(`${who}`)).split(': ')[1].trim();
  return {
    codes: { lead: code('Lea (lead)'), anna: code('Anna') },
    async stop() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone already */ }
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  if (pre.missing.length > 0) return;
  team = await startTeam();
  run = await launch(pre);
});

after(async () => {
  await run?.stop();
  await team?.stop();
});

test('a colleague’s contact logged with the CLI appears in the lead’s review', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);

  // Settings → Team: the lead pastes her code.
  await s.findElement(byTestId('nav-settings')).click();
  const name = await s.wait(until.elementLocated(byTestId('settings-name')), 5000);
  await name.clear();
  await name.sendKeys('Lea');
  await s.findElement(byTestId('settings-language')).sendKeys('English');
  await s.findElement(byTestId('settings-save')).click();
  await s.wait(until.elementTextIs(s.findElement(byTestId('settings-status')), 'Settings saved.'), 5000);
  await s.findElement(byTestId('team-code')).sendKeys(team.codes.lead);
  await s.findElement(byTestId('team-join')).click();
  const teamName = await s.wait(until.elementLocated(byTestId('team-name')), 20000);
  assert.equal(await teamName.getText(), 'Demo team');
  const line = await s.wait(until.elementLocated(byTestId('team-line')), 10000);
  await s.wait(async () => /^Team: Demo team · everything shared · last synced \d\d:\d\d$/.test(await line.getText()), 10000);
  await s.executeScript('document.querySelector(\'[data-testid="team-card"]\').scrollIntoView()');
  await screenshot(s, 'team-settings-lead');

  // The lead logs a contact: digit, digit, Enter.
  await chord(s, Key.CONTROL, '1');
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 5000);
  await s.actions({ async: true }).sendKeys('4').sendKeys('5').sendKeys(Key.ENTER).perform();
  await s.wait(async () => cliList(run.journal).length === 1, 5000, 'the lead’s contact is saved');

  // Anna joins from her own desk and logs with the CLI.
  const desk = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-anna-'));
  const anna = path.join(desk, 'journal.sqlite');
  try {
    assert.match(cli(anna, ['team', 'join', team.codes.anna]), /joined Demo team as Anna \(staff\)/);
    cli(anna, ['log', '--functional', '2', '--emotional', '5', '--topic', 'billing']);
    assert.match(cli(anna, ['sync']), /pushed 1 /);

    // Her contact reaches the lead's review on its own: the app's pull waits at the server.
    await chord(s, Key.CONTROL, '3');
    const started = Date.now();
    await s.wait(async () => {
      const cards = await s.findElements(By.css('[data-testid="staff-card"][data-staff="Anna"]'));
      return cards.length === 1;
    }, 20000, 'Anna appears in the lead’s review');
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`Anna's contact visible in the lead's review ${seconds.toFixed(1)} s after her sync`);
    const summary = await s.findElement(byTestId('review-summary')).getText();
    assert.match(summary, /^2 contacts/, summary);
    await screenshot(s, 'team-review-lead');
    // The lead looks at their own contacts only, and back at the team.
    const scopeOption = (value) => s.findElement(By.css(`[data-testid="filter-scope"] option[value="${value}"]`));
    assert.equal(await scopeOption('me').getText(), 'Just me (Lea)');
    await scopeOption('me').click();
    await s.wait(async () => /^1 contact\b/.test(await s.findElement(byTestId('review-summary')).getText()), 10000, 'only the lead’s contact');
    // Read in one go in the page: the cards are redrawn while the review settles.
    const staffShown = () =>
      s.executeScript('return [...document.querySelectorAll(\'[data-testid="staff-card"]\')].map((c) => c.dataset.staff).join(",")');
    await s.wait(async () => (await staffShown()) === 'Lea', 10000, 'only the lead’s card');
    await scopeOption('team').click();
    await s.wait(async () => /^2 contacts/.test(await s.findElement(byTestId('review-summary')).getText()), 10000, 'the team again');
    // Both contacts are in the lead's own journal: the review works offline.
    assert.deepEqual(cliList(run.journal).map((c) => c.staff).sort(), ['Anna', 'Lea']);

    // The team card and the status line as a person sees them, in both languages, at the
    // largest and the smallest window.
    const found = [];
    for (const [lang, language] of [['en', 'English'], ['nl', 'Nederlands']]) {
      await chord(s, Key.CONTROL, '4');
      await s.wait(until.elementLocated(byTestId('settings-language')), 5000);
      // The language is what this part is about, not how a select takes keys: it is set as a
      // choice in the list would set it, then saved with the button.
      await s.executeScript('window.scrollTo(0, 0)');
      await s.executeScript(
        'const select = document.querySelector(\'[data-testid="settings-language"]\');' +
          'select.value = arguments[0]; select.dispatchEvent(new Event("change", { bubbles: true }));',
        lang,
      );
      await s.findElement(byTestId('settings-save')).click();
      await s.wait(async () => (await s.executeScript('return document.documentElement.lang')) === lang, 10000, `the page in ${language}`);
      for (const [width, height] of [[1280, 800], [640, 520]]) {
        await s.manage().window().setRect({ width, height });
        await s.wait(async () => (await s.executeScript('return window.innerWidth')) === width, 5000);
        await s.executeScript('window.scrollTo(0, 0)');
        await checkLayout(s, `team-top-${width}x${height}-${lang}`, found);
        await s.executeScript('document.querySelector(\'[data-testid="team-card"]\').scrollIntoView({ block: "start" })');
        await checkLayout(s, `team-card-${width}x${height}-${lang}`, found);
        await chord(s, Key.CONTROL, '3');
        await s.wait(until.elementLocated(byTestId('filter-scope')), 5000);
        await s.executeScript('window.scrollTo(0, 0)');
        await checkLayout(s, `team-review-${width}x${height}-${lang}`, found);
        // The staff list opens inside the window wherever its filter sits.
        await s.findElement(byTestId('filter-staff-summary')).click();
        await s.wait(until.elementIsVisible(s.findElement(byTestId('filter-staff-search'))), 5000);
        await checkLayout(s, `team-review-staff-${width}x${height}-${lang}`, found);
        const pop = await s.executeScript(
          'const r = document.querySelector(".staff-pop").getBoundingClientRect(); return [r.left, r.right, window.innerWidth];',
        );
        assert.ok(pop[0] >= 0 && pop[1] <= pop[2], `the staff list at ${pop[0]}–${pop[1]} in a ${pop[2]} px window`);
        await s.actions({ async: true }).sendKeys(Key.ESCAPE).perform();
        await s.wait(async () => (await s.findElement(byTestId('filter-staff')).getAttribute('open')) === null, 5000, 'the staff list closes');
        await chord(s, Key.CONTROL, '4');
        await s.wait(until.elementLocated(byTestId('team-card')), 5000);
      }
    }
    await s.manage().window().setRect({ width: 1280, height: 800 });
    assert.deepEqual(found, [], `layout problems:\n${found.join('\n')}`);
  } finally {
    fs.rmSync(desk, { recursive: true, force: true });
  }
});
