import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostPattern, patternsCover, trackHostPermissions } from '../../../../entrypoints/options/host-permission';

describe('hostPattern', () => {
  it('names the host without port or path', () => {
    expect(hostPattern('https://wiki.example.org/team/')).toBe('https://wiki.example.org/*');
    expect(hostPattern('http://127.0.0.1:8080/')).toBe('http://127.0.0.1/*');
  });
});

describe('patternsCover', () => {
  it('matches scheme, host, sub-domain wildcards and <all_urls>', () => {
    expect(patternsCover(['https://agentwiki.org/*'], 'https://agentwiki.org/')).toBe(true);
    expect(patternsCover(['https://agentwiki.org/*'], 'http://agentwiki.org/')).toBe(false);
    expect(patternsCover(['*://agentwiki.org/*'], 'http://agentwiki.org/wiki/')).toBe(true);
    expect(patternsCover(['https://*.example.org/*'], 'https://wiki.example.org/')).toBe(true);
    expect(patternsCover(['https://*.example.org/*'], 'https://example.org/')).toBe(true);
    expect(patternsCover(['https://*.example.org/*'], 'https://badexample.org/')).toBe(false);
    expect(patternsCover(['http://127.0.0.1/*'], 'http://127.0.0.1:8080/')).toBe(true);
    expect(patternsCover(['<all_urls>'], 'https://any.example/')).toBe(true);
    expect(patternsCover(['https://*/*'], 'https://any.example/')).toBe(true);
    expect(patternsCover([], 'https://any.example/')).toBe(false);
  });
});

describe('trackHostPermissions', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    const listeners = { addListener: vi.fn(), removeListener: vi.fn() };
    Object.assign(fakeBrowser.permissions, {
      getAll: vi.fn(async () => ({ origins: ['https://agentwiki.org/*'], permissions: [] })),
      request: vi.fn(async () => true),
      onAdded: listeners,
      onRemoved: { addListener: vi.fn(), removeListener: vi.fn() },
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('knows the granted origins once loaded, and asks for a new one', async () => {
    const tracked = trackHostPermissions();
    await vi.waitFor(() => expect(tracked.covers('https://agentwiki.org/')).toBe(true));
    expect(tracked.covers('https://wiki.example.org/')).toBe(false);
    const asking = tracked.request('https://wiki.example.org/');
    // The request leaves synchronously: the user's gesture is still live.
    expect(fakeBrowser.permissions.request).toHaveBeenCalledWith({ origins: ['https://wiki.example.org/*'] });
    expect(await asking).toBe(true);
    expect(tracked.covers('https://wiki.example.org/')).toBe(true);
    tracked.stop();
  });

  it('reports a refusal', async () => {
    (fakeBrowser.permissions.request as ReturnType<typeof vi.fn>).mockResolvedValue(false);
    const tracked = trackHostPermissions();
    expect(await tracked.request('https://wiki.example.org/')).toBe(false);
    expect(tracked.covers('https://wiki.example.org/')).toBe(false);
  });
});
