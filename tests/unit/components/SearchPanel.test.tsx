import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchPanel } from '../../../components/SearchPanel';
import type { SearchHit } from '../../../lib/protocol';

afterEach(cleanup);

const hit = (id: string, title = id.toUpperCase(), snippet = `About ${id}.`): SearchHit => ({ id, title, snippet });
const HITS = [hit('rag', 'Retrieval-Augmented Generation (RAG)'), hit('agentic_rag', 'Agentic RAG'), hit('rag_evaluation', 'RAG Evaluation')];

function type(text: string) {
  const box = screen.getByRole('searchbox', { name: 'Search the knowledge base' });
  fireEvent.input(box, { target: { value: text } });
  return box;
}

/** A search whose answers the test releases one by one. */
function deferredSearch() {
  const pending: { query: string; resolve: (hits: SearchHit[]) => void }[] = [];
  const search = vi.fn((query: string) => new Promise<SearchHit[]>((resolve) => pending.push({ query, resolve })));
  return { search, pending };
}

describe('SearchPanel', () => {
  it('is a searchbox named "Search the knowledge base", focused when asked', () => {
    render(<SearchPanel search={async () => []} onChoose={() => {}} autoFocus />);
    const box = screen.getByRole('searchbox', { name: 'Search the knowledge base' });
    expect(box.getAttribute('type')).toBe('search');
    expect(document.activeElement).toBe(box);
  });

  it('shows results as options, each with its title and snippet, after one debounced search', async () => {
    const search = vi.fn(async (query: string) => (query === 'rag' ? HITS : []));
    render(<SearchPanel search={search} onChoose={() => {}} />);
    type('r');
    type('ra');
    type('rag');
    const options = await screen.findAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([
      'Retrieval-Augmented Generation (RAG)About rag.',
      'Agentic RAGAbout agentic_rag.',
      'RAG EvaluationAbout rag_evaluation.',
    ]);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith('rag');
    expect(screen.getByRole('listbox').getAttribute('aria-label')).toBe('Search results');
  });

  it('drops a reply that arrives after the reply to a newer query', async () => {
    const { search, pending } = deferredSearch();
    render(<SearchPanel search={search} onChoose={() => {}} />);
    type('old');
    await waitFor(() => expect(pending).toHaveLength(1));
    type('new');
    await waitFor(() => expect(pending).toHaveLength(2));
    pending[1]!.resolve([hit('new', 'Newer')]);
    await screen.findByRole('option', { name: /Newer/ });
    pending[0]!.resolve([hit('old', 'Older')]);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['NewerAbout new.']);
  });

  it('moves through the results with the arrow keys and chooses with Enter', async () => {
    const onChoose = vi.fn();
    render(<SearchPanel search={async () => HITS} onChoose={onChoose} />);
    const box = type('rag');
    await screen.findAllByRole('option');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    const options = screen.getAllByRole('option');
    expect(options[1]!.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(screen.getAllByRole('option')[2]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onChoose).toHaveBeenCalledWith(HITS[2]);
  });

  it('chooses the first result on Enter when none is active', async () => {
    const onChoose = vi.fn();
    render(<SearchPanel search={async () => HITS} onChoose={onChoose} />);
    const box = type('rag');
    await screen.findAllByRole('option');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onChoose).toHaveBeenCalledWith(HITS[0]);
  });

  it('on Enter typed before the results came, chooses the first result once they come', async () => {
    const { search, pending } = deferredSearch();
    const onChoose = vi.fn();
    render(<SearchPanel search={search} onChoose={onChoose} />);
    const box = type('rag');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onChoose).not.toHaveBeenCalled();
    await waitFor(() => expect(pending).toHaveLength(1));
    pending[0]!.resolve(HITS);
    await waitFor(() => expect(onChoose).toHaveBeenCalledWith(HITS[0]));
  });

  it('chooses a result with the mouse', async () => {
    const onChoose = vi.fn();
    render(<SearchPanel search={async () => HITS} onChoose={onChoose} />);
    type('rag');
    fireEvent.click(await screen.findByRole('option', { name: /Agentic RAG/ }));
    expect(onChoose).toHaveBeenCalledWith(HITS[1]);
  });

  it('says so when nothing matches, and when the search fails', async () => {
    const search = vi.fn(async (query: string) => {
      if (query === 'broken') throw new Error('No answer to "search:query".');
      return [];
    });
    render(<SearchPanel search={search} onChoose={() => {}} />);
    type('zebra');
    expect(await screen.findByText('No articles match “zebra”.')).toBeTruthy();
    expect(screen.queryByRole('option')).toBeNull();
    type('broken');
    expect((await screen.findByRole('alert')).textContent).toBe('Search is not available right now: No answer to "search:query".');
  });

  it('shows suggestions for the empty field under their heading, and Enter there chooses nothing', async () => {
    const search = vi.fn(async () => [hit('recent', 'Recently Changed')]);
    const onChoose = vi.fn();
    render(<SearchPanel search={search} onChoose={onChoose} suggestionsLabel="Recently updated" />);
    expect(await screen.findByRole('heading', { name: 'Recently updated' })).toBeTruthy();
    expect(search).toHaveBeenCalledWith('');
    expect(screen.getByRole('listbox', { name: 'Recently updated' })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('searchbox'), { key: 'Enter' });
    expect(onChoose).not.toHaveBeenCalled();
  });

  it('shows nothing for an empty field without suggestions, and Escape clears the field', async () => {
    const search = vi.fn(async () => HITS);
    render(<SearchPanel search={search} onChoose={() => {}} />);
    const box = type('rag');
    await screen.findAllByRole('option');
    fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('option')).toBeNull());
    expect((box as HTMLInputElement).value).toBe('');
    expect(search).toHaveBeenCalledTimes(1);
  });
});
