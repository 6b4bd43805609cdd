/**
 * Addresses on a DokuWiki. `doku.php?id=` works on every DokuWiki whatever
 * its URL rewriting, so it is what the extension links to and fetches.
 */
export function wikiPageUrl(wikiUrl: string, id: string): string {
  return `${wikiUrl}doku.php?id=${encodeURIComponent(id).replace(/%3A/g, ':')}`;
}

export function wikiOrigin(wikiUrl: string): string {
  return new URL(wikiUrl).origin;
}
