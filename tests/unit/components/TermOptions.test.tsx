import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TermOptions } from '../../../components/TermOptions';
import { WikiAccessOptions } from '../../../components/WikiAccessOptions';
import { defaultSettings, type Settings } from '../../../lib/settings/settings';

afterEach(cleanup);

const SETTINGS = defaultSettings('https://agentwiki.org/');
const findArticle = async (id: string) => (id === 'metagpt' ? 'MetaGPT: Multi-Agent Framework with SOPs' : null);

function typeInto(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

describe('TermOptions', () => {
  it('adds an alias for a cached article', async () => {
    const onSave = vi.fn<(next: Partial<Settings>) => void>();
    render(<TermOptions settings={SETTINGS} onSave={onSave} findArticle={findArticle} />);
    typeInto('Phrase', '  Meta  GPT ');
    typeInto('Article id', 'MetaGPT');
    fireEvent.click(screen.getByRole('button', { name: 'Add alias' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect(onSave.mock.calls[0]![0]).toEqual({ customAliases: [{ alias: 'Meta GPT', id: 'metagpt' }], removedAliases: [] });
    expect(screen.getByRole('status').textContent).toContain('now names MetaGPT');
  });

  it('refuses an alias for an article that is not cached', async () => {
    const onSave = vi.fn();
    render(<TermOptions settings={SETTINGS} onSave={onSave} findArticle={findArticle} />);
    typeInto('Phrase', 'agents');
    typeInto('Article id', 'no_such_page');
    fireEvent.click(screen.getByRole('button', { name: 'Take away' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no_such_page'));
    expect(onSave).not.toHaveBeenCalled();
  });

  it('takes an alias away and forgets it again', async () => {
    const onSave = vi.fn<(next: Partial<Settings>) => void>();
    const settings: Settings = { ...SETTINGS, customAliases: [{ alias: 'SOP agents', id: 'metagpt' }] };
    render(<TermOptions settings={settings} onSave={onSave} findArticle={findArticle} />);
    typeInto('Phrase', 'sop agents');
    typeInto('Article id', 'metagpt');
    fireEvent.click(screen.getByRole('button', { name: 'Take away' }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    // Taking an alias away also drops the same alias from the user's own list.
    expect(onSave.mock.calls[0]![0]).toEqual({ removedAliases: [{ alias: 'sop agents', id: 'metagpt' }], customAliases: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Forget “SOP agents” for metagpt' }));
    expect(onSave.mock.calls[1]![0]).toEqual({ customAliases: [] });
  });

  it('turns the marking choices on', () => {
    const onSave = vi.fn();
    render(<TermOptions settings={SETTINGS} onSave={onSave} findArticle={findArticle} />);
    fireEvent.click(screen.getByLabelText(/every occurrence/));
    expect(onSave).toHaveBeenCalledWith({ markEveryOccurrence: true });
  });
});

describe('WikiAccessOptions', () => {
  it('saves an account and never shows the saved password', () => {
    const onSave = vi.fn();
    render(<WikiAccessOptions settings={SETTINGS} onSave={onSave} />);
    fireEvent.click(screen.getByLabelText('With a user name and password'));
    typeInto('User name', 'editor');
    fireEvent.click(screen.getByRole('button', { name: 'Save sign-in' }));
    expect(screen.getByRole('alert').textContent).toContain('both the user name and the password');
    typeInto('Password', 's3cret');
    fireEvent.click(screen.getByRole('button', { name: 'Save sign-in' }));
    expect(onSave).toHaveBeenCalledWith({ credentials: { user: 'editor', password: 's3cret' } });
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
  });

  it('forces a way of reading the wiki', () => {
    const onSave = vi.fn();
    render(<WikiAccessOptions settings={SETTINGS} onSave={onSave} />);
    fireEvent.change(screen.getByLabelText('How to read it'), { target: { value: 'public' } });
    expect(onSave).toHaveBeenCalledWith({ source: 'public' });
  });
});
