import { describe, expect, it } from 'vitest';
import { completeSettings, defaultSettings, normalizeWikiUrl } from '../../../../lib/settings/settings';

const WIKI = 'https://agentwiki.org/';

describe('settings: how to read the wiki, and credentials', () => {
  it('fills the source of settings stored before there was one, and keeps no credentials', () => {
    const old = { wikiUrl: 'https://wiki.example/', syncIntervalMinutes: 60, highlightEnabled: true, disabledSites: [] };
    const settings = completeSettings(old, WIKI);
    expect(settings).toMatchObject({ ...old, source: 'auto' });
    expect(settings).not.toHaveProperty('credentials');
    expect(defaultSettings(WIKI).source).toBe('auto');
  });

  it('keeps a valid source and complete credentials, and drops what is not', () => {
    expect(completeSettings({ source: 'xmlrpc' }, WIKI).source).toBe('xmlrpc');
    expect(completeSettings({ source: 'soap' }, WIKI).source).toBe('auto');
    expect(completeSettings({ credentials: { user: 'editor', password: '' } }, WIKI).credentials).toEqual({ user: 'editor', password: '' });
    expect(completeSettings({ credentials: { token: '  abc  ' } }, WIKI).credentials).toEqual({ token: 'abc' });
    for (const broken of [{ user: '' , password: 'x' }, { user: 'a' }, { token: '   ' }, 'editor:pw', null]) {
      expect(completeSettings({ credentials: broken }, WIKI), JSON.stringify(broken)).not.toHaveProperty('credentials');
    }
  });

  it('cuts a pasted doku.php/ns:page address (userewrite 2) back to its wiki', () => {
    expect(normalizeWikiUrl('https://wiki.example/w/doku.php/ns:page')).toEqual({ ok: true, url: 'https://wiki.example/w/' });
    expect(normalizeWikiUrl('https://wiki.example/doku.php?id=start')).toEqual({ ok: true, url: 'https://wiki.example/' });
  });
});
