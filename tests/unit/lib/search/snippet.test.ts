import { describe, expect, it } from 'vitest';
import { makeSnippet, SNIPPET_LENGTH } from '../../../../lib/search/snippet';

const filler = (words: number, seed = 'lorem') => Array.from({ length: words }, (_, i) => `${seed}${i}`).join(' ');

describe('makeSnippet', () => {
  it('returns a short text whole, marking whether it matched', () => {
    expect(makeSnippet('MetaGPT is a framework.', ['framework'])).toEqual({ text: 'MetaGPT is a framework.', matched: true });
    expect(makeSnippet('MetaGPT is a framework.', ['zebra'])).toEqual({ text: 'MetaGPT is a framework.', matched: false });
  });

  it('cuts a window around the match from a long text, at word boundaries, with ellipses', () => {
    const text = `${filler(100)} the needle sits here ${filler(100, 'ipsum')}`;
    const { text: snippet, matched } = makeSnippet(text, ['needle']);
    expect(matched).toBe(true);
    expect(snippet).toContain('needle');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    // Whole words only: no cut-off fragments next to the ellipses.
    const words = snippet.slice(1, -1).split(' ');
    expect(text.split(' ')).toEqual(expect.arrayContaining(words));
  });

  it('prefers the window where most query words meet', () => {
    const text = `alpha ${filler(60)} beta ${filler(60, 'x')} alpha beta together ${filler(60, 'y')}`;
    expect(makeSnippet(text, ['alpha', 'beta']).text).toContain('alpha beta together');
  });

  it('matches at word starts only: "rag" finds RAG-based, not storage', () => {
    const text = `Storage and leverage matter. ${filler(80)} RAG-based systems retrieve.`;
    const { text: snippet } = makeSnippet(text, ['rag']);
    expect(snippet).toContain('RAG-based');
    expect(makeSnippet('Storage and leverage.', ['rag']).matched).toBe(false);
  });

  it('finds the plural a folded term came from', () => {
    const text = `${filler(80)} Access policies decide who may call a tool.`;
    expect(makeSnippet(text, ['policy'])).toMatchObject({ matched: true, text: expect.stringContaining('Access policies decide') });
  });

  it('opens with the start of the text when nothing matches', () => {
    const text = filler(200);
    const { text: snippet, matched } = makeSnippet(text, ['absent']);
    expect(matched).toBe(false);
    expect(snippet.startsWith('lorem0 lorem1')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('collapses whitespace and treats regex characters in terms literally', () => {
    expect(makeSnippet('C++  and\n\nC#  are languages.', ['c++']).text).toBe('C++ and C# are languages.');
    expect(makeSnippet('abc', ['a.c']).matched).toBe(false);
    expect(makeSnippet('a (b) c', ['(b']).matched).toBe(true);
  });

  it('stays fast on a very long text with a frequent term', () => {
    const text = 'agent '.repeat(500_000);
    const started = performance.now();
    expect(makeSnippet(text, ['agent']).matched).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
