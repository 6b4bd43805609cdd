import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activeTabTerms, closedPageReason, watchActiveTab } from '../../../../entrypoints/sidepanel/active-tab';

type Tab = Awaited<ReturnType<typeof fakeBrowser.tabs.get>>;
const tab = (id: number, extra: Partial<NonNullable<Tab>> = {}) => ({ id, index: 0, highlighted: false, incognito: false, pinned: false, active: true, windowId: 1, ...extra }) as NonNullable<Tab>;

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => vi.restoreAllMocks());

function activeIs(active: NonNullable<Tab> | undefined, self?: NonNullable<Tab>, focused?: NonNullable<Tab>) {
  vi.spyOn(fakeBrowser.tabs, 'getCurrent').mockResolvedValue(self as never);
  vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async (info: { lastFocusedWindow?: boolean }) =>
    (info.lastFocusedWindow ? [focused] : [active]).filter(Boolean) as never,
  );
}

describe('closedPageReason', () => {
  it('names browser pages and extension stores, and nothing else', () => {
    expect(closedPageReason('chrome://settings/')).toMatch(/page of the browser itself/);
    expect(closedPageReason('about:blank')).toMatch(/page of the browser itself/);
    expect(closedPageReason('https://chromewebstore.google.com/detail/x')).toMatch(/extension store/);
    expect(closedPageReason('https://addons.mozilla.org/en-US/firefox/')).toMatch(/extension store/);
    expect(closedPageReason('https://example.org/chrome://')).toBeNull();
    expect(closedPageReason(undefined)).toBeNull();
  });
});

describe('activeTabTerms', () => {
  it('asks the active tab’s content script for its terms', async () => {
    activeIs(tab(7, { url: 'https://news.example.org/' }));
    const terms = [{ id: 'metagpt', title: 'MetaGPT', text: 'MetaGPT', count: 1 }];
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true, value: terms } as never);
    expect(await activeTabTerms()).toEqual({ state: 'ready', terms });
    expect(send).toHaveBeenCalledWith(7, { type: 'page:terms', payload: {} }, { frameId: 0 });
  });

  it('says in words when the page is closed to extensions, without asking it', async () => {
    activeIs(tab(7, { url: 'chrome://extensions/' }));
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage');
    expect(await activeTabTerms()).toEqual({ state: 'unavailable', reason: expect.stringMatching(/page of the browser itself/) });
    expect(send).not.toHaveBeenCalled();
  });

  it('explains a page whose content script does not answer', async () => {
    activeIs(tab(7, { status: 'complete' }));
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));
    expect(await activeTabTerms()).toEqual({ state: 'unavailable', reason: expect.stringMatching(/reload it/) });
  });

  it('waits for a page that is still loading', async () => {
    activeIs(tab(7, { status: 'loading' }));
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockRejectedValue(new Error('Receiving end does not exist.'));
    expect(await activeTabTerms()).toEqual({ state: 'loading' });
  });

  it('opened as a tab itself, reads the page of the last focused window', async () => {
    const self = tab(3, { url: 'chrome-extension://id/sidepanel.html' });
    activeIs(self, self, tab(9, { url: 'https://news.example.org/' }));
    const send = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true, value: [] } as never);
    expect(await activeTabTerms()).toEqual({ state: 'ready', terms: [] });
    expect(send.mock.calls[0]![0]).toBe(9);
  });

  it('asks for a tab when it is the only one', async () => {
    const self = tab(3);
    activeIs(self, self, self);
    expect(await activeTabTerms()).toEqual({ state: 'unavailable', reason: 'Switch to a tab to see the terms on its page.' });
  });
});

describe('watchActiveTab', () => {
  it('calls back on a tab switch and a page load, then stops', async () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    const stop = watchActiveTab(onChange);
    await fakeBrowser.tabs.onActivated.trigger({ tabId: 2, windowId: 1 });
    expect(onChange).toHaveBeenCalledTimes(1);
    await fakeBrowser.tabs.onUpdated.trigger(2, { status: 'complete' }, tab(2));
    expect(onChange).toHaveBeenCalledTimes(2);
    // The content script marks terms a moment after the load: look again.
    vi.advanceTimersByTime(3000);
    expect(onChange).toHaveBeenCalledTimes(5);
    await fakeBrowser.tabs.onUpdated.trigger(4, { status: 'complete' }, tab(4, { active: false }));
    expect(onChange).toHaveBeenCalledTimes(5);
    stop();
    await fakeBrowser.tabs.onActivated.trigger({ tabId: 3, windowId: 1 });
    vi.advanceTimersByTime(3000);
    expect(onChange).toHaveBeenCalledTimes(5);
    vi.useRealTimers();
  });
});
