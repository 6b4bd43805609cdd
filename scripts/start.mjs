#!/usr/bin/env node
// `npm start`: build the extension (starter knowledge base included) and open
// it in Chromium with the extension loaded. With no display, say so and tell
// where the built extension is, so it can be loaded by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const extensionDir = resolve(root, '.output/chrome-mv3');

const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'darwin' || process.platform === 'win32';
const browserPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (path) => path && existsSync(path),
);

const howToLoad = `Load it by hand: open chrome://extensions, turn on "Developer mode", choose "Load unpacked" and pick ${extensionDir}`;

if (!hasDisplay) {
  console.log(`\nThe extension is built at ${extensionDir}.`);
  console.log('This machine has no display, so no browser was opened.');
  console.log(howToLoad);
  process.exit(0);
}
if (!browserPath) {
  console.log(`\nThe extension is built at ${extensionDir}, but no Chromium was found (set CHROMIUM_PATH).`);
  console.log(howToLoad);
  process.exit(0);
}

const { chromium } = await import('playwright-core');
const profile = resolve(root, '.tmp/browser-profile');
mkdirSync(profile, { recursive: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: browserPath,
  headless: false,
  viewport: null,
  args: [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, '--no-first-run'],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto('https://agentwiki.org/open_closed_performance_gap').catch(() => undefined);
console.log(`\nChromium is open with AgentWiki Companion loaded from ${extensionDir}. Close the window to stop.`);
await new Promise((done) => context.on('close', done));
