/**
 * Opens the reader beside the page. Chrome has a side panel, Firefox a
 * sidebar; where neither can be opened (no user gesture reached us), the
 * reader opens in a tab so the user still gets the article.
 */
import { browser } from 'wxt/browser';

export function readerPath(id: string): string {
  return `sidepanel.html?id=${encodeURIComponent(id)}`;
}

export async function openReader(id: string, tabId: number | undefined): Promise<boolean> {
  // Chromium reloads an open panel only when setOptions is given a different
  // path; the `at` parameter makes each request new, so a second card click
  // on the same article brings it back after the reader followed links.
  const path = `${readerPath(id)}&at=${Date.now()}`;
  const sidePanel = (browser as unknown as { sidePanel?: typeof browser.sidePanel }).sidePanel;
  if (sidePanel && tabId !== undefined) {
    try {
      // open() only works while the user's gesture is live, so both calls are
      // made before awaiting either; setOptions is queued first so the panel
      // opens on the article.
      const pointing = sidePanel.setOptions({ tabId, path, enabled: true });
      const opening = sidePanel.open({ tabId });
      await Promise.all([pointing, opening]);
      return true;
    } catch {
      // No gesture reached us, or the panel is unavailable here.
    }
  }
  const sidebar = (browser as unknown as {
    sidebarAction?: { open(): Promise<void>; setPanel(d: { panel: string; tabId?: number }): Promise<void> };
  }).sidebarAction;
  if (sidebar) {
    try {
      await sidebar.open();
      await sidebar.setPanel({ panel: browser.runtime.getURL(`/${path}` as '/'), tabId });
      return true;
    } catch {
      // Fall through to a tab.
    }
  }
  await browser.tabs.create({ url: browser.runtime.getURL(`/${path}` as '/') });
  return false;
}
