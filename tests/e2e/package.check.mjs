// Run by `make test-package` after `make package` (not by `npm test`: the package comes later).
// The .deb as a user installs it: unpacked into a temporary root (never installed on this
// machine), it holds the app, the CLI with its manual and completions, a desktop entry and
// icons; the app it holds starts on a new journal and reaches the log form.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { until } from 'selenium-webdriver';
import { byTestId, launch, prerequisites, requireOrSkip, root, screenshot } from './harness.mjs';

const DEB_MAX = 10 * 1024 * 1024;
const debDir = path.join(root, 'target/release/bundle/deb');

function theDeb() {
  const found = fs.existsSync(debDir) ? fs.readdirSync(debDir).filter((n) => n.endsWith('.deb')) : [];
  return found.length === 1 ? path.join(debDir, found[0]) : null;
}

test('the .deb unpacks into what a user needs, and its app starts on the log form', async (t) => {
  const deb = theDeb();
  const pre = prerequisites();
  if (!deb) pre.missing.push(`one .deb in ${path.relative(root, debDir)} (make package)`);
  pre.missing = pre.missing.filter((m) => !m.startsWith('the app binary'));
  if (!requireOrSkip(t, pre.missing)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'contactmoment-deb-'));
  pre.app = path.join(tmp, 'usr/bin/contactmoment-app');
  try {
    const bytes = fs.statSync(deb).size;
    t.diagnostic(`${path.basename(deb)}: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
    assert.ok(bytes <= DEB_MAX, `the package is ${bytes} bytes, more than 10 MiB`);
    execFileSync('dpkg-deb', ['-x', deb, tmp]);
    const control = execFileSync('dpkg-deb', ['-f', deb, 'Package', 'Depends'], { encoding: 'utf8' });
    assert.match(control, /^Package: contactmoment/m);
    assert.match(control, /libwebkit2gtk-4\.1/);
    assert.match(control, /libayatana-appindicator3-1/, 'the tray needs it at run time');
    for (const file of [
      'usr/bin/contactmoment-app',
      // The launcher above becomes this one when no app runs on the journal.
      'usr/bin/contactmoment-desktop',
      'usr/bin/contactmoment',
      'usr/share/man/man1/contactmoment.1.gz',
      'usr/share/bash-completion/completions/contactmoment',
      'usr/share/zsh/vendor-completions/_contactmoment',
      'usr/share/fish/vendor_completions.d/contactmoment.fish',
      'usr/share/icons/hicolor/16x16/apps/contactmoment-app.png',
      'usr/share/icons/hicolor/48x48/apps/contactmoment-app.png',
      'usr/share/icons/hicolor/256x256@2/apps/contactmoment-app.png',
      'usr/share/icons/hicolor/512x512/apps/contactmoment-app.png',
    ]) {
      assert.ok(fs.existsSync(path.join(tmp, file)), `the package holds /${file}`);
    }
    const desktop = fs.readFileSync(path.join(tmp, 'usr/share/applications/Contactmoment.desktop'), 'utf8');
    assert.match(desktop, /^Exec=contactmoment-app$/m);
    assert.match(desktop, /^Exec=contactmoment-app --log$/m, 'the desktop entry offers "Log a contact"');
    const cli = path.join(tmp, 'usr/bin/contactmoment');
    assert.match(execFileSync(cli, ['--version'], { encoding: 'utf8' }), /^contactmoment \d+\.\d+\.\d+/);
    const man = execFileSync('sh', ['-c', `gzip -dc '${path.join(tmp, 'usr/share/man/man1/contactmoment.1.gz')}'`], { encoding: 'utf8' });
    assert.match(man, /^\.TH contactmoment 1/m);
    assert.match(man, /\bimport\b/, 'the manual lists the commands');
    const completion = (file) => fs.readFileSync(path.join(tmp, file), 'utf8');
    assert.match(completion('usr/share/bash-completion/completions/contactmoment'), /complete .*contactmoment/);
    assert.match(completion('usr/share/zsh/vendor-completions/_contactmoment'), /^#compdef contactmoment/);
    assert.match(completion('usr/share/fish/vendor_completions.d/contactmoment.fish'), /complete -c contactmoment/);

    const run = await launch(pre);
    try {
      const s = run.session;
      await s.wait(until.elementLocated(byTestId('rating-functional-1')), 30000);
      const focused = await s.switchTo().activeElement().getAttribute('data-testid');
      assert.equal(focused, 'rating-functional-1', 'the packaged app starts on the log form, focused');
      t.diagnostic(`screenshot: ${await screenshot(s, 'package-start')}`);
    } finally {
      await run.stop();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
