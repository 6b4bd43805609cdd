// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cleanPageId, pageIdFromUrl } from '../../../../services/wiki/page-address';

const WIKI = 'https://wiki.example/w/';

describe('pageIdFromUrl', () => {
  it('reads the page of each URL style (userewrite 0, 1 and 2)', () => {
    expect(pageIdFromUrl('https://wiki.example/w/doku.php?id=ns:page', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('/w/doku.php?id=ns%3Apage&do=export_raw', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('https://wiki.example/w/ns:page', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('https://wiki.example/w/ns/page', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('https://wiki.example/w/doku.php/ns:page?do=export_raw', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('https://wiki.example/w/_export/raw/ns:page', WIKI)).toBe('ns:page');
    expect(pageIdFromUrl('https://wiki.example/w/a%C3%A9#section', WIKI)).toBe('aé');
  });

  it('leaves alone what is not a page of this wiki', () => {
    for (const href of [
      'https://wiki.example/w/',
      'https://wiki.example/w/doku.php',
      'https://wiki.example/w/feed.php',
      'https://wiki.example/w/lib/exe/fetch.php?media=x.png',
      'https://wiki.example/w/_media/x.png',
      'https://wiki.example/w/_detail/x.png',
      'https://wiki.example/elsewhere/page',
      'https://other.example/w/page',
      'https://wiki.example/w/%E0%A4%A',
      'http://[not a host/page',
    ]) {
      expect(pageIdFromUrl(href, WIKI), href).toBeNull();
    }
  });

  it('takes any origin for documents of the wiki itself (feeds, sitemaps), which use its own idea of its address', () => {
    expect(pageIdFromUrl('http://127.0.0.1:81/w/ns:page', WIKI, true)).toBe('ns:page');
    expect(pageIdFromUrl('http://127.0.0.1:81/other/ns:page', WIKI, true)).toBeNull();
  });
});

describe('cleanPageId', () => {
  it('cleans an id as DokuWiki would for the characters addresses carry', () => {
    expect(cleanPageId(' NS/Sub;Page ')).toBe('ns:sub:page');
    expect(cleanPageId('::a::b:')).toBe('a:b');
    expect(cleanPageId('two words')).toBe('two_words');
    expect(cleanPageId(':::')).toBeNull();
  });
});
