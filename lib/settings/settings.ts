/**
 * User settings, kept in browser.storage.local under `settings` so they
 * survive a browser restart and every context sees changes as they happen.
 */
export interface Settings {
  /** Base URL of the DokuWiki, ending in a slash. */
  wikiUrl: string;
  /** Minutes between periodic syncs; 0 turns periodic sync off. */
  syncIntervalMinutes: number;
  /** Mark terms on web pages at all. */
  highlightEnabled: boolean;
  /** Hostnames on which marking is off. */
  disabledSites: string[];
}

export const SYNC_INTERVAL_CHOICES = [0, 60, 180, 360, 720, 1440] as const;

export function defaultSettings(defaultWikiUrl: string): Settings {
  return {
    wikiUrl: defaultWikiUrl,
    syncIntervalMinutes: 720,
    highlightEnabled: true,
    disabledSites: [],
  };
}

/** Settings as stored may be partial or from an older version: fill the gaps. */
export function completeSettings(stored: unknown, defaultWikiUrl: string): Settings {
  const defaults = defaultSettings(defaultWikiUrl);
  if (!stored || typeof stored !== 'object') return defaults;
  const s = stored as Partial<Settings>;
  return {
    wikiUrl: typeof s.wikiUrl === 'string' ? s.wikiUrl : defaults.wikiUrl,
    syncIntervalMinutes:
      typeof s.syncIntervalMinutes === 'number' && s.syncIntervalMinutes >= 0
        ? s.syncIntervalMinutes
        : defaults.syncIntervalMinutes,
    highlightEnabled: typeof s.highlightEnabled === 'boolean' ? s.highlightEnabled : defaults.highlightEnabled,
    disabledSites: Array.isArray(s.disabledSites)
      ? s.disabledSites.filter((h): h is string => typeof h === 'string')
      : defaults.disabledSites,
  };
}

export type WikiUrlCheck = { ok: true; url: string } | { ok: false; error: string };

/**
 * Validates a wiki URL typed by a user: http or https only, no credentials,
 * normalised to a base URL ending in '/'. A pasted page URL such as
 * `https://wiki.example.org/doku.php?id=start` is reduced to its wiki's base.
 */
export function normalizeWikiUrl(input: string): WikiUrlCheck {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'Enter the address of a DokuWiki, such as https://agentwiki.org.' };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return { ok: false, error: `"${trimmed}" is not a web address.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `Only http and https wikis are supported, not ${url.protocol.replace(':', '')}.` };
  }
  if (url.username || url.password) {
    return { ok: false, error: 'Leave the user name and password out of the address.' };
  }
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/(doku\.php|feed\.php|lib\/exe\/.*)$/, '');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { ok: true, url: url.href };
}

/** Whether marking terms is on for a page of the given host. */
export function highlightingOnFor(settings: Settings, hostname: string): boolean {
  return settings.highlightEnabled && !settings.disabledSites.includes(hostname);
}
