/**
 * The periodic sync, as a browser alarm: alarms survive the service worker
 * being stopped, and wake it when they fire.
 */
import { browser } from 'wxt/browser';
import type { Settings } from '../../lib/settings/settings';

export const SYNC_ALARM = 'periodic-sync';

export async function scheduleSync(settings: Settings): Promise<void> {
  const existing = await browser.alarms.get(SYNC_ALARM);
  const minutes = settings.syncIntervalMinutes;
  if (minutes <= 0) {
    if (existing) await browser.alarms.clear(SYNC_ALARM);
    return;
  }
  if (existing?.periodInMinutes === minutes) return;
  await browser.alarms.create(SYNC_ALARM, { delayInMinutes: minutes, periodInMinutes: minutes });
}
