/**
 * DokuWiki page ids, exactly as DokuWiki 2022-07-31 "Igor" computes them with
 * its default settings (sepchar "_", deaccent 1, useslash 0, start "start",
 * autoplural 0): cleanID() and getNS()/noNS() from inc/pageutils.php, the
 * heading anchors of sectionID(), and the link resolution of
 * inc/File/PageResolver.php. The renderer must produce the same ids the wiki
 * does, or links and anchors in the starter snapshot would point elsewhere
 * than the same links synced from the wiki.
 */

/** DokuWiki's `$conf['start']`: the page a namespace link (`[[ns:]]`) opens. */
export const START_PAGE = 'start';

/**
 * inc/Utf8/tables/specials.php as code-point ranges: the characters cleanID()
 * turns into the separator. (The table also lists a few values above U+10FFFF,
 * UTF-8 byte sequences mistyped as code points, which can never match.)
 */
const SPECIAL_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1a, 0x29], [0x2b, 0x2c], [0x2f, 0x2f], [0x3b, 0x40], [0x5b, 0x5e], [0x60, 0x60], [0x7b, 0xbf],
  [0xd7, 0xd7], [0xf7, 0xf7], [0x2c7, 0x2c7], [0x2d8, 0x2dd], [0x300, 0x301], [0x303, 0x303],
  [0x309, 0x309], [0x323, 0x323], [0x384, 0x385], [0x387, 0x387], [0x5b0, 0x5b9], [0x5bb, 0x5c3],
  [0x5f3, 0x5f4], [0x60c, 0x60c], [0x61b, 0x61b], [0x61f, 0x61f], [0x640, 0x640], [0x64b, 0x652],
  [0x66a, 0x66a], [0xe3f, 0xe3f], [0x200c, 0x200f], [0x2013, 0x2015], [0x2017, 0x201a],
  [0x201c, 0x201e], [0x2020, 0x2022], [0x2026, 0x2026], [0x2030, 0x2030], [0x2032, 0x2033],
  [0x2039, 0x203a], [0x2044, 0x2044], [0x20a7, 0x20a7], [0x20aa, 0x20ac], [0x2116, 0x2116],
  [0x2118, 0x2118], [0x2122, 0x2122], [0x2126, 0x2126], [0x2135, 0x2135], [0x2190, 0x2195],
  [0x21b5, 0x21b5], [0x21d0, 0x21d4], [0x2200, 0x2200], [0x2202, 0x2203], [0x2205, 0x2209],
  [0x220b, 0x220b], [0x220f, 0x220f], [0x2211, 0x2212], [0x2215, 0x2215], [0x2217, 0x2217],
  [0x2219, 0x221a], [0x221d, 0x221e], [0x2220, 0x2220], [0x2227, 0x222b], [0x2234, 0x2234],
  [0x223c, 0x223c], [0x2245, 0x2245], [0x2248, 0x2248], [0x2260, 0x2261], [0x2264, 0x2265],
  [0x2282, 0x2284], [0x2286, 0x2287], [0x2295, 0x2295], [0x2297, 0x2297], [0x22a5, 0x22a5],
  [0x22c5, 0x22c5], [0x2310, 0x2310], [0x2320, 0x2321], [0x2329, 0x232a], [0x2469, 0x2469],
  [0x2500, 0x2500], [0x2502, 0x2502], [0x250c, 0x250c], [0x2510, 0x2510], [0x2514, 0x2514],
  [0x2518, 0x2518], [0x251c, 0x251c], [0x2524, 0x2524], [0x252c, 0x252c], [0x2534, 0x2534],
  [0x253c, 0x253c], [0x2550, 0x256c], [0x2580, 0x2580], [0x2584, 0x2584], [0x2588, 0x2588],
  [0x258c, 0x258c], [0x2590, 0x2593], [0x25a0, 0x25a0], [0x25b2, 0x25b2], [0x25bc, 0x25bc],
  [0x25c6, 0x25c6], [0x25ca, 0x25ca], [0x25cf, 0x25cf], [0x25d7, 0x25d7], [0x2605, 0x2605],
  [0x260e, 0x260e], [0x261b, 0x261b], [0x261e, 0x261e], [0x2660, 0x2660], [0x2663, 0x2663],
  [0x2665, 0x2666], [0x2701, 0x2704], [0x2706, 0x2709], [0x270c, 0x2727], [0x2729, 0x274b],
  [0x274d, 0x274d], [0x274f, 0x2752], [0x2756, 0x2756], [0x2758, 0x275e], [0x2761, 0x2767],
  [0x277f, 0x277f], [0x2789, 0x2789], [0x2793, 0x2794], [0x2798, 0x27af], [0x27b1, 0x27be],
  [0x3000, 0x3003], [0x3008, 0x3012], [0x3014, 0x301b], [0x3036, 0x3036], [0xc2a0, 0xc2a0],
  [0xf6d9, 0xf6db], [0xf8d7, 0xf8fe], [0xfe7c, 0xfe7d], [0xff01, 0xff0f], [0xff1a, 0xff20],
  [0xff3b, 0xff3e], [0xff40, 0xff40], [0xff5b, 0xff65], [0xffe0, 0xffe6], [0xffe8, 0xffee],
  [0x1d6fc, 0x1d71b],
];

const hex = (code: number): string => `\\u{${code.toString(16)}}`;

/** stripspecials($id, '_', '\*'): control characters, '*' and the specials table. */
const SPECIALS = new RegExp(
  `[*\\u{0}-\\u{19}${SPECIAL_RANGES.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('')}]`,
  'gu',
);

/** inc/Utf8/tables/loweraccents.php: deaccent($id, -1) with `$conf['deaccent'] = 1`. */
const LOWER_ACCENTS: Readonly<Record<string, string>> = {
  á: 'a', à: 'a', ă: 'a', â: 'a', å: 'a', ä: 'ae', ã: 'a', ą: 'a', ā: 'a', æ: 'ae', ḃ: 'b', ć: 'c',
  ĉ: 'c', č: 'c', ċ: 'c', ç: 'c', ď: 'd', ḋ: 'd', đ: 'd', ð: 'dh', é: 'e', è: 'e', ĕ: 'e', ê: 'e',
  ě: 'e', ë: 'e', ė: 'e', ę: 'e', ē: 'e', ḟ: 'f', ƒ: 'f', ğ: 'g', ĝ: 'g', ġ: 'g', ģ: 'g', ĥ: 'h',
  ħ: 'h', í: 'i', ì: 'i', î: 'i', ï: 'i', ĩ: 'i', į: 'i', ī: 'i', ı: 'i', ĵ: 'j', ķ: 'k', ĺ: 'l',
  ľ: 'l', ļ: 'l', ł: 'l', ṁ: 'm', ń: 'n', ň: 'n', ñ: 'n', ņ: 'n', ó: 'o', ò: 'o', ô: 'o', ö: 'oe',
  ő: 'o', õ: 'o', ø: 'o', ō: 'o', ơ: 'o', ṗ: 'p', ŕ: 'r', ř: 'r', ŗ: 'r', ś: 's', ŝ: 's', š: 's',
  ṡ: 's', ş: 's', ș: 's', ß: 'ss', ť: 't', ṫ: 't', ţ: 't', ț: 't', ŧ: 't', ú: 'u', ù: 'u', ŭ: 'u',
  û: 'u', ů: 'u', ü: 'ue', ű: 'u', ũ: 'u', ų: 'u', ū: 'u', ư: 'u', ẃ: 'w', ẁ: 'w', ŵ: 'w', ẅ: 'w',
  ý: 'y', ỳ: 'y', ŷ: 'y', ÿ: 'y', ź: 'z', ž: 'z', ż: 'z', þ: 'th', µ: 'u',
};
const ACCENTED = new RegExp(`[${Object.keys(LOWER_ACCENTS).join('')}]`, 'gu');

/** PHP's trim() without a character list: space, \t, \n, \r, \0, \x0B. */
export function phpTrim(text: string): string {
  return text.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

/** cleanID(): the canonical form of a page id as DokuWiki stores it. */
export function cleanId(raw: string): string {
  let id = phpTrim(raw).toLowerCase();
  id = id.replace(/;/g, ':').replace(/\//g, '_');
  id = id.replace(ACCENTED, (char) => LOWER_ACCENTS[char] ?? char);
  id = id.replace(SPECIALS, '_');
  id = id.replace(/_+/g, '_');
  id = id.replace(/:+/g, ':');
  id = id.replace(/^[:._-]+|[:._-]+$/g, '');
  id = id.replace(/:[:._-]+/g, ':');
  id = id.replace(/[:._-]+:/g, ':');
  return id;
}

/** getNS(): the namespace of an id, '' at the root. */
export function namespaceOf(id: string): string {
  const colon = id.lastIndexOf(':');
  return colon === -1 ? '' : id.slice(0, colon);
}

/** noNS(): the id without its namespace. */
export function withoutNamespace(id: string): string {
  return id.slice(id.lastIndexOf(':') + 1);
}

/** noNSorNS(): the last id segment, or the namespace's name for a start page. */
export function simpleName(id: string): string {
  const last = withoutNamespace(id);
  if (last === START_PAGE || last === '') {
    const namespace = withoutNamespace(namespaceOf(id));
    return namespace === '' ? START_PAGE : namespace;
  }
  return last;
}

/**
 * sectionID(): the anchor DokuWiki gives a heading. With `used`, the anchor is
 * made unique within the page ("level_two", "level_two1", ...) and recorded.
 */
export function sectionId(title: string, used?: string[]): string {
  let anchor = cleanId(title).replace(/[:.]/g, '');
  const withoutLeadingDigits = anchor.replace(/^[0-9_-]+/, '');
  anchor = withoutLeadingDigits === '' ? `section${anchor.replace(/[^0-9]+/g, '')}` : withoutLeadingDigits;
  if (!used) return anchor;
  let candidate = anchor;
  for (let suffix = 1; used.includes(candidate); suffix++) candidate = `${anchor}${suffix}`;
  used.push(candidate);
  return candidate;
}

/**
 * PageResolver::resolveId(): the page a link written on page `contextId`
 * points to. A link without a namespace is relative to the current
 * namespace ("auto-relative", new in 2022-07-31), `.`/`..` are relative,
 * `~x` is below the current page, `ns:` is the namespace's start page.
 * Returns the clean id, with `#anchor` kept when the link has one.
 */
export function resolvePageId(contextId: string, link: string, pageExists: (id: string) => boolean): string {
  let id = link;
  let hash = '';
  const hashAt = id.indexOf('#');
  if (hashAt !== -1) {
    hash = cleanId(id.slice(hashAt + 1));
    id = id.slice(0, hashAt);
  }
  if (id === '') {
    id = contextId;
  } else {
    id = id.replace(/;/g, ':');
    id = resolvePrefix(contextId, id);
    id = resolveRelatives(id);
    id = resolveStartPage(id, pageExists);
  }
  id = cleanId(id);
  return hash === '' ? id : `${id}#${hash}`;
}

/** MediaResolver::resolveId(): media ids resolve like page ids, without start pages. */
export function resolveMediaId(contextId: string, link: string): string {
  if (link === '') return '';
  return cleanId(resolveRelatives(resolvePrefix(contextId, link.replace(/;/g, ':'))));
}

function resolvePrefix(contextId: string, link: string): string {
  const contextNamespace = namespaceOf(contextId);
  let id = link;
  if (id.startsWith('~')) id = `${contextId}:${id.slice(1)}`;
  if (id.startsWith('.')) {
    id = id.replace(/^((?:\.+:)*)(\.+)(?=[^:.])/, '$1$2:');
    id = `${contextNamespace}:${id}`;
  }
  if (contextId !== '' && !id.includes(':')) id = `${contextNamespace}:${id}`;
  return id;
}

function resolveRelatives(link: string): string {
  if (link === '') return '';
  const trail = link.endsWith(':') ? ':' : '';
  const parts: string[] = [];
  for (const part of link.split(':')) {
    if (part === '.' || part === '') continue;
    if (part === '..') {
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join(':') + trail;
}

function resolveStartPage(id: string, pageExists: (id: string) => boolean): string {
  if (!id.endsWith(':')) return id;
  const exists = (candidate: string): boolean => pageExists(cleanId(candidate));
  if (exists(id + START_PAGE)) return id + START_PAGE;
  const named = id + withoutNamespace(cleanId(id));
  if (exists(named)) return named;
  if (exists(id.slice(0, -1))) return id.slice(0, -1);
  return id + START_PAGE;
}
