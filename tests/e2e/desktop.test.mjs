// The desktop around the window, in the real app: the system-wide shortcut and a second start
// bring the log form to the front from another screen, and a shortcut another program holds
// is refused by name.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, chord, cliList, launch, prerequisites, requireOrSkip, screenshot } from './harness.mjs';

const pre = prerequisites();
for (const tool of ['xdotool', 'dbus-run-session']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) pre.missing.push(`${tool} (scripts/setup.sh test)`);
}
if (!process.env.DBUS_SESSION_BUS_ADDRESS) pre.missing.push('a session bus (run under dbus-run-session)');
let run;

before(async () => {
  if (pre.missing.length === 0) run = await launch(pre);
});

after(async () => {
  await run?.stop();
});

// Read in one script: the element with the keyboard may be replaced between two WebDriver calls.
const activeTestId = (s) => s.executeScript('return document.activeElement?.dataset?.testid ?? null');

async function onScreen(s, name) {
  await s.wait(async () => (await s.findElement(byTestId(`nav-${name}`)).getAttribute('aria-current')) === 'page', 5000);
}

test('the shortcut brings the log form to the front from another screen, and three keys save', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await s.wait(until.elementLocated(byTestId('rating-functional-1')), 20000);
  await chord(s, Key.CONTROL, '3');
  await onScreen(s, 'review');

  execFileSync('xdotool', ['key', '--delay', '0', '--clearmodifiers', 'ctrl+alt+l']);
  await s.wait(async () => (await activeTestId(s)) === 'rating-functional-1', 5000, 'the shortcut focuses the first question');
  await onScreen(s, 'log');
  await s.actions({ async: true }).sendKeys('4').sendKeys('5').sendKeys(Key.ENTER).perform();
  await s.wait(until.elementTextIs(await s.wait(until.elementLocated(byTestId('status-text')), 5000), 'Saved'), 5000);
  const stored = cliList(run.journal);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].functional, 4);
  assert.equal(stored[0].emotional, 5);
});

test('a second start hands over to the running app, which shows the log form', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  await chord(s, Key.CONTROL, '4');
  await onScreen(s, 'settings');
  // The launcher alone, without the app beside it: only its own hand-over can succeed, where
  // the app it would otherwise become hands over too, only a hundred milliseconds later.
  const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-launcher-'));
  const launcher = path.join(alone, path.basename(pre.app));
  fs.copyFileSync(pre.app, launcher);
  fs.chmodSync(launcher, 0o755);
  let second;
  try {
    second = spawnSync(launcher, ['--log'], { env: run.env, timeout: 30000, encoding: 'utf8' });
  } finally {
    fs.rmSync(alone, { recursive: true, force: true });
  }
  assert.equal(second.status, 0, `the second start ends once it handed over: ${second.stderr}`);
  await s.wait(async () => (await activeTestId(s)) === 'rating-functional-1', 5000, 'the first app shows the log form');
  await onScreen(s, 'log');
});

test('a taken shortcut is refused by name in Settings, and the one held before keeps working', async (t) => {
  if (!requireOrSkip(t, pre.missing)) return;
  const s = run.session;
  const saveShortcut = async (keys) => {
    await chord(s, Key.CONTROL, '4');
    const field = await s.wait(until.elementLocated(byTestId('settings-shortcut')), 5000);
    await field.clear();
    await field.sendKeys(keys);
    await s.findElement(byTestId('settings-save')).click();
  };
  await saveShortcut('Ctrl+Alt+J');
  await s.wait(until.elementTextIs(s.findElement(byTestId('settings-status')), 'Settings saved.'), 5000);

  // Another program takes Ctrl+Alt+L: a second app on a journal of its own.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-other-'));
  const other = spawn(pre.app, [], {
    env: { ...run.env, CONTACTMOMENT_DB: path.join(home, 'journal.sqlite'), XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home },
    stdio: 'ignore',
  });
  try {
    execFileSync('xdotool', ['search', '--sync', '--onlyvisible', '--pid', String(other.pid)], { timeout: 30000 });
    await new Promise((r) => setTimeout(r, 1500));
    await saveShortcut('Ctrl+Alt+L');
    const error = await s.wait(until.elementLocated(By.css('.settings-form .form-error')), 5000);
    assert.equal(await error.getText(), 'Another program already uses this shortcut: choose another.');
    assert.equal(await activeTestId(s), 'settings-shortcut', 'the field in question has the keyboard');
  } finally {
    other.kill('SIGTERM');
    await new Promise((r) => (other.exitCode !== null ? r() : other.once('exit', r)));
    fs.rmSync(home, { recursive: true, force: true });
  }
  // With the other window gone, the screen shows this one, the refusal at its field.
  await s.executeScript("document.getElementById('settings-log_shortcut').scrollIntoView({ block: 'center' })");
  t.diagnostic(`screenshot: ${await screenshot(s, 'settings-shortcut-taken')}`);
  await chord(s, Key.CONTROL, '2');
  await onScreen(s, 'journal');
  execFileSync('xdotool', ['key', '--delay', '0', '--clearmodifiers', 'ctrl+alt+j']);
  await s.wait(async () => (await activeTestId(s)) === 'rating-functional-1', 5000, 'the shortcut held before still works');
  await saveShortcut('Ctrl+Alt+L');
  await s.wait(until.elementTextIs(s.findElement(byTestId('settings-status')), 'Settings saved.'), 5000);
});
