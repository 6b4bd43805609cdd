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
  /**
   * How to read the wiki: 'auto' finds the best way (JSON-RPC, then XML-RPC,
   * then the public pages); the others force one, for a wiki whose detection
   * picks a way that does not suit it.
   */
  source: WikiSource;
  /** For a private wiki: sent to that wiki only, kept in this browser's local storage. */
  credentials?: WikiCredentials;
  /** Mark every occurrence of a term, not only its first on the page. */
  markEveryOccurrence: boolean;
  /** Mark terms inside links too (a link already leads somewhere, so off by default). */
  markInLinks: boolean;
  /** Let a single everyday English word ("memory", "planning") that titles an article be a term. */
  markCommonWords: boolean;
  /** Aliases the user gave articles: this phrase names that article. */
  customAliases: AliasRule[];
  /** Aliases the user took away: this phrase no longer names that article. */
  removedAliases: AliasRule[];
}

/** One phrase and the article id it names (or no longer names). */
export interface AliasRule {
  alias: string;
  id: string;
}

export const WIKI_SOURCES = ['auto', 'jsonrpc', 'xmlrpc', 'public'] as const;
export type WikiSource = (typeof WIKI_SOURCES)[number];

/**
 * A DokuWiki account (sent as HTTP Basic, which every release accepts on
 * every endpoint) or an API token of a 2024+ release (sent as
 * `Authorization: Bearer`, see DokuWiki's auth_tokenlogin()).
 */
export type WikiCredentials = { user: string; password: string } | { token: string };

export const SYNC_INTERVAL_CHOICES = [0, 60, 180, 360, 720, 1440] as const;

export function defaultSettings(defaultWikiUrl: string): Settings {
  return {
    wikiUrl: defaultWikiUrl,
    syncIntervalMinutes: 720,
    highlightEnabled: true,
    disabledSites: [],
    source: 'auto',
    markEveryOccurrence: false,
    markInLinks: false,
    markCommonWords: false,
    customAliases: [],
    removedAliases: [],
  };
}

/** Settings as stored may be partial or from an older version: fill the gaps. */
export function completeSettings(stored: unknown, defaultWikiUrl: string): Settings {
  const defaults = defaultSettings(defaultWikiUrl);
  if (!stored || typeof stored !== 'object') return defaults;
  const s = stored as Partial<Settings>;
  const settings: Settings = {
    wikiUrl: typeof s.wikiUrl === 'string' ? s.wikiUrl : defaults.wikiUrl,
    syncIntervalMinutes:
      typeof s.syncIntervalMinutes === 'number' && s.syncIntervalMinutes >= 0
        ? s.syncIntervalMinutes
        : defaults.syncIntervalMinutes,
    highlightEnabled: typeof s.highlightEnabled === 'boolean' ? s.highlightEnabled : defaults.highlightEnabled,
    disabledSites: Array.isArray(s.disabledSites)
      ? s.disabledSites.filter((h): h is string => typeof h === 'string')
      : defaults.disabledSites,
    source: WIKI_SOURCES.includes(s.source as WikiSource) ? (s.source as WikiSource) : defaults.source,
    markEveryOccurrence:
      typeof s.markEveryOccurrence === 'boolean' ? s.markEveryOccurrence : defaults.markEveryOccurrence,
    markInLinks: typeof s.markInLinks === 'boolean' ? s.markInLinks : defaults.markInLinks,
    markCommonWords: typeof s.markCommonWords === 'boolean' ? s.markCommonWords : defaults.markCommonWords,
    customAliases: completeAliasRules(s.customAliases),
    removedAliases: completeAliasRules(s.removedAliases),
  };
  const credentials = completeCredentials(s.credentials);
  if (credentials) settings.credentials = credentials;
  return settings;
}

/** The well-formed alias rules of a stored list (a non-empty alias and id), trimmed; anything else is dropped. */
function completeAliasRules(stored: unknown): AliasRule[] {
  if (!Array.isArray(stored)) return [];
  const rules: AliasRule[] = [];
  for (const item of stored as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const { alias, id } = item as Record<string, unknown>;
    if (typeof alias !== 'string' || typeof id !== 'string' || !alias.trim() || !id.trim()) continue;
    rules.push({ alias: alias.trim(), id: id.trim() });
  }
  return rules;
}

/** Stored credentials when they are complete; anything else is no credentials. */
export function completeCredentials(stored: unknown): WikiCredentials | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const c = stored as Record<string, unknown>;
  if (typeof c['token'] === 'string' && c['token'].trim()) return { token: c['token'].trim() };
  if (typeof c['user'] === 'string' && c['user'] && typeof c['password'] === 'string') {
    return { user: c['user'], password: c['password'] };
  }
  return undefined;
}

export type WikiUrlCheck = { ok: true; url: string } | { ok: false; error: string };

/**
 * Validates a wiki URL typed by a user: http or https only, no credentials,
 * normalised to a base URL ending in '/'. A pasted page URL such as
 * `https://wiki.example.org/doku.php?id=start` is reduced to its wiki's base
 * (a rewritten one such as `https://wiki.example.org/start` cannot be told
 * from a base by its shape: services/wiki/detect.ts recovers the base from
 * the page itself).
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
  // `doku.php/ns:page` is a page address of a wiki with `userewrite` 2.
  url.pathname = url.pathname.replace(/(doku\.php(\/.*)?|feed\.php|lib\/exe\/.*)$/, '');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { ok: true, url: url.href };
}

/** Whether marking terms is on for a page of the given host. */
export function highlightingOnFor(settings: Settings, hostname: string): boolean {
  return settings.highlightEnabled && !settings.disabledSites.includes(hostname);
}
