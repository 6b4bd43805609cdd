import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatStorage, OptionsForm, parseSite, type OptionsFormProps } from '../../../components/OptionsForm';
import { defaultSettings, type Settings } from '../../../lib/settings/settings';
import type { SyncStatus } from '../../../lib/sync/status';

afterEach(cleanup);

const SETTINGS: Settings = { ...defaultSettings('https://agentwiki.org/'), disabledSites: ['news.example.com'] };
const STATUS: SyncStatus = { wikiUrl: 'https://agentwiki.org/', source: 'snapshot', articleCount: 43, phase: 'idle', done: 0, total: 0 };

function setup(overrides: Partial<OptionsFormProps> = {}) {
  const props: OptionsFormProps = {
    settings: SETTINGS,
    status: STATUS,
    storage: { usage: 4_200_000 },
    onSaveWikiUrl: vi.fn(async () => null),
    onSaveSettings: vi.fn(async () => {}),
    onSyncNow: vi.fn(async () => {}),
    findArticle: vi.fn(async (id: string) => (id === 'metagpt' ? 'MetaGPT: Multi-Agent Framework with SOPs' : null)),
    ...overrides,
  };
  render(<OptionsForm {...props} />);
  return props;
}

describe('OptionsForm', () => {
  it('has a field labelled "Wiki URL" with the wiki in use', () => {
    setup();
    expect((screen.getByLabelText('Wiki URL') as HTMLInputElement).value).toBe('https://agentwiki.org/');
  });

  it('follows a wiki URL saved elsewhere, and keeps what the user types until then', async () => {
    const props = setup();
    const field = screen.getByLabelText('Wiki URL') as HTMLInputElement;
    fireEvent.input(field, { target: { value: 'https://typed.example.org' } });
    await waitFor(() => expect(field.value).toBe('https://typed.example.org'));
    cleanup();
    const { rerender } = render(<OptionsForm {...props} />);
    rerender(<OptionsForm {...props} settings={{ ...SETTINGS, wikiUrl: 'https://other.example.org/' }} />);
    await waitFor(() => expect((screen.getByLabelText('Wiki URL') as HTMLInputElement).value).toBe('https://other.example.org/'));
  });

  it('refuses an address that is not http(s), without saving', () => {
    const props = setup();
    fireEvent.input(screen.getByLabelText('Wiki URL'), { target: { value: 'ftp://wiki.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toBe('Only http and https wikis are supported, not ftp.');
    expect(screen.getByLabelText('Wiki URL').getAttribute('aria-invalid')).toBe('true');
    expect(props.onSaveWikiUrl).not.toHaveBeenCalled();
  });

  it('saves a new wiki normalised, calling the save synchronously inside the submit (for the permission prompt)', async () => {
    const props = setup();
    fireEvent.input(screen.getByLabelText('Wiki URL'), { target: { value: 'wiki.example.org/doku.php?id=start' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // No await between the click and the call: the browser's user gesture is still live.
    expect(props.onSaveWikiUrl).toHaveBeenCalledWith('https://wiki.example.org/');
    expect(await screen.findByText('Saved. Articles now come from https://wiki.example.org/; a sync has started.')).toBeTruthy();
  });

  it('keeps the old wiki and says why when the save is refused', async () => {
    setup({ onSaveWikiUrl: vi.fn(async () => 'Permission to read wiki.example.org was not given, so the wiki stays https://agentwiki.org/.') });
    fireEvent.input(screen.getByLabelText('Wiki URL'), { target: { value: 'https://wiki.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/was not given, so the wiki stays/);
  });

  it('saves the sync interval, highlighting, and the sites where marking is off', () => {
    const props = setup();
    fireEvent.change(screen.getByLabelText('Sync automatically'), { target: { value: '60' } });
    expect(props.onSaveSettings).toHaveBeenLastCalledWith({ ...SETTINGS, syncIntervalMinutes: 60 });
    fireEvent.click(screen.getByLabelText('Mark terms on web pages'));
    expect(props.onSaveSettings).toHaveBeenLastCalledWith({ ...SETTINGS, highlightEnabled: false });
    fireEvent.input(screen.getByLabelText('Site to leave unmarked'), { target: { value: 'https://Docs.Example.org/page' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add site' }));
    expect(props.onSaveSettings).toHaveBeenLastCalledWith({ ...SETTINGS, disabledSites: ['docs.example.org', 'news.example.com'] });
    fireEvent.click(screen.getByRole('button', { name: 'Remove news.example.com' }));
    expect(props.onSaveSettings).toHaveBeenLastCalledWith({ ...SETTINGS, disabledSites: [] });
  });

  it('offers every interval choice in words', () => {
    setup();
    const select = screen.getByLabelText('Sync automatically') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Off', 'Every hour', 'Every 3 hours', 'Every 6 hours', 'Every 12 hours', 'Every day']);
    expect(select.value).toBe('720');
  });

  it('starts a sync with "Sync now", shows the status region and the storage used', async () => {
    const props = setup({ onSyncNow: vi.fn(async () => Promise.reject(new Error('No answer to "sync:start".'))) });
    expect(screen.getByRole('status').textContent).toMatch(/43 articles/);
    expect(screen.getByText('Storage used: 4.2 MB.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(props.onSyncNow).toHaveBeenCalled();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The sync could not start: No answer to "sync:start".'));
  });

  it('disables "Sync now" while a sync runs', () => {
    setup({ status: { ...STATUS, phase: 'fetching', done: 1, total: 10 } });
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('parseSite', () => {
  it('reduces what is typed to a hostname', () => {
    expect(parseSite('example.com')).toEqual({ ok: true, host: 'example.com' });
    expect(parseSite(' HTTPS://Sub.Example.com:8080/x?y ')).toEqual({ ok: true, host: 'sub.example.com' });
    expect(parseSite('bücher.de')).toEqual({ ok: true, host: 'xn--bcher-kva.de' });
  });

  it('refuses what is not a site', () => {
    expect(parseSite('')).toMatchObject({ ok: false });
    expect(parseSite('not a site')).toMatchObject({ ok: false, error: '“not a site” is not a site name, such as example.com.' });
  });
});

describe('formatStorage', () => {
  it('speaks in megabytes', () => {
    expect(formatStorage(12_345_678)).toBe('12.3 MB');
    expect(formatStorage(0)).toBe('0 MB');
  });
});
