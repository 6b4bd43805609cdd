import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createArticleOpener } from '../../../../entrypoints/popup/open-article';

type Tab = NonNullable<Awaited<ReturnType<typeof fakeBrowser.tabs.get>>>;
const tab = (id: number) => ({ id, index: 0, highlighted: false, incognito: false, pinned: false, active: true, windowId: 1 }) as Tab;

beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  vi.restoreAllMocks();
  delete (fakeBrowser as unknown as { sidePanel?: unknown }).sidePanel;
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createArticleOpener', () => {
  it('from the toolbar popup, opens the side panel within the click, on the article', async () => {
    vi.spyOn(fakeBrowser.tabs, 'getCurrent').mockResolvedValue(undefined as never);
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([tab(5)] as never);
    const sidePanel = { setOptions: vi.fn(async () => {}), open: vi.fn(async () => {}) };
    (fakeBrowser as unknown as { sidePanel: typeof sidePanel }).sidePanel = sidePanel;
    const opened = vi.fn();
    const opener = createArticleOpener(opened);
    await settle();
    opener.open('papers:react');
    // Both calls happen before anything is awaited: the gesture is still live.
    expect(sidePanel.setOptions).toHaveBeenCalledWith({
      tabId: 5,
      path: expect.stringMatching(/^sidepanel\.html\?id=papers%3Areact&at=\d+$/),
      enabled: true,
    });
    expect(sidePanel.open).toHaveBeenCalledWith({ tabId: 5 });
    await vi.waitFor(() => expect(opened).toHaveBeenCalled());
  });

  it('opened as a tab itself, opens the reader in a new tab', async () => {
    vi.spyOn(fakeBrowser.tabs, 'getCurrent').mockResolvedValue(tab(2) as never);
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([tab(2)] as never);
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    const opener = createArticleOpener(() => {});
    await settle();
    opener.open('metagpt');
    expect(create).toHaveBeenCalledWith({ url: expect.stringMatching(/\/sidepanel\.html\?id=metagpt$/) });
  });
});
