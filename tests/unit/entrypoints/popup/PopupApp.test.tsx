import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PopupApp, type PopupServices } from '../../../../entrypoints/popup/PopupApp';
import type { SyncStatus } from '../../../../lib/sync/status';

afterEach(cleanup);

const STATUS: SyncStatus = { wikiUrl: 'https://agentwiki.org/', source: 'xmlrpc', articleCount: 3012, phase: 'idle', done: 0, total: 0 };

function services(): PopupServices & { [K in keyof PopupServices]: ReturnType<typeof vi.fn> } {
  let watcher: ((s: SyncStatus) => void) | null = null;
  return {
    search: vi.fn(async (query: string) =>
      query ? [{ id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', snippet: 'Roles.' }] : [{ id: 'recent', title: 'Recent', snippet: '' }],
    ),
    openArticle: vi.fn(),
    loadStatus: vi.fn(async () => STATUS),
    watchStatus: vi.fn((onChange: (s: SyncStatus) => void) => {
      watcher = onChange;
      return () => (watcher = null);
    }),
    syncNow: vi.fn(async () => {
      watcher?.({ ...STATUS, phase: 'fetching', done: 1, total: 9 });
    }),
    openOptions: vi.fn(),
  } as never;
}

describe('PopupApp', () => {
  it('shows recently updated articles, focuses the search, and opens a chosen result', async () => {
    const fake = services();
    render(<PopupApp services={fake} />);
    const box = screen.getByRole('searchbox', { name: 'Search the knowledge base' });
    expect(document.activeElement).toBe(box);
    expect(await screen.findByRole('listbox', { name: 'Recently updated' })).toBeTruthy();
    fireEvent.input(box, { target: { value: 'metagpt' } });
    await screen.findByRole('option', { name: /MetaGPT/ });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(fake.openArticle).toHaveBeenCalledWith('metagpt');
  });

  it('states the cache and syncs on demand', async () => {
    const fake = services();
    render(<PopupApp services={fake} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^3,012 articles from agentwiki\.org\./));
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(fake.syncNow).toHaveBeenCalled();
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Syncing: 1 of 9 pages/));
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('opens the options', () => {
    const fake = services();
    render(<PopupApp services={fake} />);
    fireEvent.click(screen.getByRole('link', { name: 'Options' }));
    expect(fake.openOptions).toHaveBeenCalled();
  });
});
