import { describe, expect, it } from 'vitest';
import { AGENTWIKI_URL, OPTIONAL_HOSTS, optionalHostsEntry, wikiBuildConfig } from '../../../scripts/build-config';

describe('wikiBuildConfig', () => {
  it('defaults to agentwiki.org, and takes another wiki with its host as the host permission', () => {
    expect(wikiBuildConfig(undefined)).toEqual({ url: AGENTWIKI_URL, hostPermissions: ['https://agentwiki.org/*'] });
    expect(wikiBuildConfig('  ')).toEqual({ url: AGENTWIKI_URL, hostPermissions: ['https://agentwiki.org/*'] });
    expect(wikiBuildConfig('http://127.0.0.1:8080/wiki?x=1#top')).toEqual({
      url: 'http://127.0.0.1:8080/wiki/',
      hostPermissions: ['http://127.0.0.1/*'],
    });
  });

  it('refuses what is not an http or https URL, saying why', () => {
    expect(() => wikiBuildConfig('wiki.example.org')).toThrow(/not a URL/);
    expect(() => wikiBuildConfig('ftp://wiki.example.org/')).toThrow(/http or https/);
  });
});

describe('optionalHostsEntry', () => {
  it('declares the optional hosts under the key each manifest version reads', () => {
    expect(optionalHostsEntry(3)).toEqual({ optional_host_permissions: OPTIONAL_HOSTS });
    expect(optionalHostsEntry(2)).toEqual({ optional_permissions: OPTIONAL_HOSTS });
    expect(OPTIONAL_HOSTS).toEqual(['http://*/*', 'https://*/*']);
  });
});
