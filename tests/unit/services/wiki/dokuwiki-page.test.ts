// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isDokuWikiPage, readDokuWikiPage } from '../../../../services/wiki/dokuwiki-page';
import { captured } from './captured';

describe('isDokuWikiPage', () => {
  it('recognises the generator meta of a real DokuWiki page', () => {
    expect(isDokuWikiPage(captured('start-page').text)).toBe(true);
    expect(isDokuWikiPage(captured('export-raw-missing').text)).toBe(true);
    expect(isDokuWikiPage('<html><head><meta name="generator" content="WordPress 6.5"></head></html>')).toBe(false);
    expect(isDokuWikiPage('<p>DokuWiki</p>')).toBe(false);
  });
});

describe('readDokuWikiPage', () => {
  it('reads what a real DokuWiki page says of itself: its action, its page and the wiki\'s base', () => {
    expect(readDokuWikiPage(captured('start-page').text, 'http://127.0.0.1:8080/doku.php')).toEqual({
      isDokuWiki: true,
      action: 'show',
      id: 'start',
      base: 'http://127.0.0.1:8080/',
    });
    expect(readDokuWikiPage(captured('export-raw-missing').text, 'http://127.0.0.1:8080/doku.php?id=no_such_page&do=export_raw')).toMatchObject({
      action: 'show',
      id: 'no_such_page',
    });
    expect(readDokuWikiPage(captured('export-raw-denied').text, 'http://127.0.0.1:8080/doku.php?id=metagpt&do=export_raw')).toMatchObject({
      isDokuWiki: true,
      action: 'denied',
      id: 'metagpt',
    });
  });

  it('finds a wiki under a sub-folder, and nothing on a page that links no wiki script', () => {
    const html = '<html><head><meta name="generator" content="DokuWiki"/><script src="/w/lib/exe/js.php?t=x"></script></head></html>';
    expect(readDokuWikiPage(html, 'https://example.org/w/ns:page').base).toBe('https://example.org/w/');
    expect(readDokuWikiPage('<html><head></head></html>', 'https://example.org/').base).toBeNull();
    // Scripts of another site say nothing of this wiki's base.
    expect(readDokuWikiPage('<script src="https://cdn.example.com/lib/exe/js.php"></script>', 'https://example.org/').base).toBeNull();
  });

  it('reads JSINFO with strings holding braces and quotes', () => {
    const html = `<script>var NS='';var JSINFO = {"id":"a:b","note":"{\\"}x","ACT":"denied","nested":{"k":1}};</script>`;
    expect(readDokuWikiPage(html, 'https://example.org/')).toMatchObject({ action: 'denied', id: 'a:b' });
  });
});
