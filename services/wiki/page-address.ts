/**
 * Page addresses of a DokuWiki in each of its URL styles (`userewrite`):
 *
 * | style | a page | its source |
 * |---|---|---|
 * | 0 (default) | `doku.php?id=ns:page` | `doku.php?id=ns:page&do=export_raw` |
 * | 1 (.htaccess) | `/ns:page` (or `/ns/page` with `useslash`) | `/_export/raw/ns:page` |
 * | 2 (PATH_INFO) | `doku.php/ns:page` | `doku.php/ns:page?do=export_raw` |
 *
 * The extension fetches `doku.php?id=` addresses, which every DokuWiki
 * answers whatever its rewriting (inc/common.php wl()); what the wiki itself
 * writes in its feeds, sitemaps and links may be any of the three, so
 * reading them takes all three.
 */

/** What `pageIdFromUrl` leaves alone: the wiki's scripts, media and folders that are not pages. */
const NOT_A_PAGE = /^(?:lib\/|_media\/|_detail\/|data\/|conf\/|inc\/|vendor\/|[^/]+\.php$)/;

/**
 * The page id an address of the wiki at `wikiUrl` points at, whatever its
 * URL style; null for an address elsewhere, of no page in particular (the
 * wiki's root, which is its start page under a name it does not say), or of
 * something that is not a page.
 *
 * `anyOrigin`: for documents that describe only the wiki itself (its feed,
 * its sitemap), whose absolute addresses use the wiki's own idea of its
 * address (`baseurl`, the Host it was asked under), which need not be the
 * address the extension uses (another port behind a proxy, http vs https).
 */
export function pageIdFromUrl(href: string, wikiUrl: string, anyOrigin = false): string | null {
  let url: URL;
  let base: URL;
  try {
    base = new URL(wikiUrl);
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (!anyOrigin && url.origin !== base.origin) return null;
  const fromQuery = url.searchParams.get('id');
  if (fromQuery !== null) return cleanPageId(fromQuery);
  if (!url.pathname.startsWith(base.pathname)) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname.slice(base.pathname.length));
  } catch {
    return null;
  }
  const exported = /^_export\/[^/]+\/(.+)$/.exec(path);
  if (exported) return cleanPageId(exported[1]!);
  const script = /^doku\.php\/(.+)$/.exec(path);
  if (script) return cleanPageId(script[1]!);
  if (path === '' || NOT_A_PAGE.test(path)) return null;
  return cleanPageId(path);
}

/**
 * A page id as DokuWiki's cleanID() would leave it, for the characters
 * addresses carry: '/' (useslash) and ';' (old separators) become ':',
 * letters lowercase, no empty namespace parts. null when nothing remains.
 */
export function cleanPageId(raw: string): string | null {
  const id = raw
    .trim()
    .toLowerCase()
    .replace(/[/;]/g, ':')
    .replace(/\s+/g, '_')
    .split(':')
    .filter((part) => part !== '')
    .join(':');
  return id === '' ? null : id;
}
