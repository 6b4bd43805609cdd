import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OptionsPage, type OptionsServices } from '../../../../entrypoints/options/OptionsPage';
import { defaultSettings, type Settings } from '../../../../lib/settings/settings';
import type { SyncStatus } from '../../../../lib/sync/status';

afterEach(cleanup);

const STATUS: SyncStatus = { wikiUrl: 'https://agentwiki.org/', source: 'xmlrpc', articleCount: 3012, phase: 'idle', done: 0, total: 0 };

function services(covers: boolean, granted: boolean, start: Partial<Settings> = {}) {
  let settings: Settings = { ...defaultSettings('https://agentwiki.org/'), ...start };
  const watchers: ((s: Settings) => void)[] = [];
  const fake = {
    loadSettings: vi.fn(async () => settings),
    watchSettings: vi.fn((onChange: (s: Settings) => void) => {
      watchers.push(onChange);
      return () => undefined;
    }),
    saveSettings: vi.fn(async (next: Settings) => {
      settings = next;
      watchers.forEach((w) => w(next));
    }),
    loadStatus: vi.fn(async () => STATUS),
    watchStatus: vi.fn(() => () => undefined),
    syncNow: vi.fn(async () => STATUS),
    findArticle: vi.fn(async () => null),
    permissions: { covers: vi.fn(() => covers), request: vi.fn(async () => granted) },
    estimateStorage: vi.fn(async () => ({ usage: 2_500_000 })),
  } satisfies OptionsServices;
  return fake;
}

async function submitWiki(url: string) {
  const field = (await screen.findByLabelText('Wiki URL')) as HTMLInputElement;
  fireEvent.input(field, { target: { value: url } });
  await waitFor(() => expect(field.value).toBe(url));
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
}

describe('OptionsPage', () => {
  it('shows the settings, the status in words and the storage used', async () => {
    render(<OptionsPage services={services(true, true)} />);
    expect(((await screen.findByLabelText('Wiki URL')) as HTMLInputElement).value).toBe('https://agentwiki.org/');
    expect(screen.getByRole('status').textContent).toMatch(/^3,012 articles from agentwiki\.org\./);
    expect(await screen.findByText('Storage used: 2.5 MB.')).toBeTruthy();
  });

  it('saves a wiki whose host is already granted without asking', async () => {
    const fake = services(true, true);
    render(<OptionsPage services={fake} />);
    await submitWiki('https://wiki.example.org');
    await waitFor(() => expect(fake.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ wikiUrl: 'https://wiki.example.org/' })));
    expect(fake.permissions.request).not.toHaveBeenCalled();
  });

  it('leaves the account of the old wiki behind when it saves another wiki', async () => {
    const fake = services(true, true, { credentials: { user: 'ada', password: 's3cret' } });
    render(<OptionsPage services={fake} />);
    await submitWiki('https://wiki.example.org');
    await waitFor(() => expect(fake.saveSettings).toHaveBeenCalled());
    const saved = fake.saveSettings.mock.calls[0]![0];
    expect(saved.wikiUrl).toBe('https://wiki.example.org/');
    expect(saved.credentials).toBeUndefined();
  });

  it('asks for the host inside the click, then saves', async () => {
    const fake = services(false, true);
    render(<OptionsPage services={fake} />);
    await submitWiki('https://wiki.example.org');
    expect(fake.permissions.request).toHaveBeenCalledWith('https://wiki.example.org/');
    await waitFor(() => expect(fake.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ wikiUrl: 'https://wiki.example.org/' })));
    expect(await screen.findByText(/^Saved\./)).toBeTruthy();
  });

  it('keeps the old wiki and says why when the permission is refused', async () => {
    const fake = services(false, false);
    render(<OptionsPage services={fake} />);
    await submitWiki('https://wiki.example.org');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The browser was not allowed to read wiki.example.org, so the wiki stays https://agentwiki.org/.',
    );
    expect(fake.saveSettings).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Wiki URL') as HTMLInputElement).value).toBe('https://wiki.example.org/');
  });

  it('starts a sync with "Sync now"', async () => {
    const fake = services(true, true);
    render(<OptionsPage services={fake} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
    expect(fake.syncNow).toHaveBeenCalled();
  });
});
