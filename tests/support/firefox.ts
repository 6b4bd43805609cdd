/**
 * Real Firefox (Debian's `firefox-esr`) with the extension's Firefox build
 * installed, for the end-to-end tests. Playwright drives only a Firefox of
 * its own build, so this goes through WebDriver BiDi with `puppeteer-core`,
 * which installs the unpacked extension as a temporary add-on.
 */
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX_PATH = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

export interface FirefoxWithExtension {
  browser: Browser;
  /** The add-on's id, from the manifest's browser_specific_settings. */
  extensionId: string;
  close(): Promise<void>;
}

/** Starts a headless Firefox with a fresh profile and the unpacked extension in `extensionDir` installed. */
export async function launchFirefox(extensionDir: string): Promise<FirefoxWithExtension> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // Quiet and offline, as the Chromium of the other tests: no updates, no telemetry, no first-run pages.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'network.captive-portal-service.enabled': false,
    },
  });
  try {
    const extensionId = await browser.installExtension(extensionDir);
    return { browser, extensionId, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
