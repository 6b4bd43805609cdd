/**
 * Host permission for the wiki the user picks. The browser asks the user
 * only inside a gesture, so the options page learns which origins it holds
 * when it opens (and as they change), and the save button can tell at once,
 * without awaiting, whether it must ask.
 */
import { browser } from 'wxt/browser';

/**
 * The match pattern for a wiki's host. Match patterns name no port, and one
 * without a port covers them all, so "http://127.0.0.1:8080/" needs
 * "http://127.0.0.1/*".
 */
export function hostPattern(wikiUrl: string): string {
  const url = new URL(wikiUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Whether one of the granted match patterns covers the wiki's address. */
export function patternsCover(patterns: readonly string[], wikiUrl: string): boolean {
  const url = new URL(wikiUrl);
  const scheme = url.protocol.slice(0, -1);
  return patterns.some((pattern) => {
    if (pattern === '<all_urls>') return scheme === 'http' || scheme === 'https';
    const match = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
    if (!match) return false;
    const [, patternScheme, patternHost] = match as unknown as [string, string, string];
    if (patternScheme !== '*' && patternScheme !== scheme) return false;
    const host = patternHost.replace(/:\d+$/, '');
    if (host === '*') return true;
    if (host.startsWith('*.')) return url.hostname === host.slice(2) || url.hostname.endsWith(host.slice(1));
    return url.hostname === host;
  });
}

export interface HostPermissions {
  /** Whether the wiki's host is already granted, as far as is known right now. */
  covers(wikiUrl: string): boolean;
  /** Asks the user; call it synchronously inside a click. Resolves to whether it was granted. */
  request(wikiUrl: string): Promise<boolean>;
  stop(): void;
}

export function trackHostPermissions(): HostPermissions {
  let granted: string[] = [];
  const reload = () =>
    void browser.permissions.getAll().then(
      (all) => {
        granted = all.origins ?? [];
      },
      () => undefined,
    );
  reload();
  browser.permissions.onAdded.addListener(reload);
  browser.permissions.onRemoved.addListener(reload);
  return {
    covers: (wikiUrl) => patternsCover(granted, wikiUrl),
    request: async (wikiUrl) => {
      const origins = [hostPattern(wikiUrl)];
      const asked = browser.permissions.request({ origins });
      const ok = await asked;
      if (ok) granted = [...granted, ...origins];
      return ok;
    },
    stop: () => {
      browser.permissions.onAdded.removeListener(reload);
      browser.permissions.onRemoved.removeListener(reload);
    },
  };
}
