// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { parseSnapshot } from '../../../../lib/wiki/snapshot';

const article = (overrides: Partial<Record<keyof Article, unknown>> = {}): Record<string, unknown> => ({
  id: 'metagpt',
  title: 'MetaGPT',
  html: '<p>x</p>',
  text: 'x',
  summary: 'x',
  boldTerms: ['MetaGPT'],
  links: ['crewai'],
  tags: ['agents'],
  modified: 1_700_000_000_000,
  ...overrides,
});

const snapshot = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  format: 1,
  generatedAt: 1_700_000_000_000,
  articles: [article()],
  ...overrides,
});

describe('parseSnapshot', () => {
  it('accepts a valid snapshot and returns its articles', () => {
    const parsed = parseSnapshot(JSON.parse(JSON.stringify(snapshot())));
    expect(parsed).toEqual({ format: 1, generatedAt: 1_700_000_000_000, articles: [article()] });
  });

  it('accepts an empty knowledge base', () => {
    expect(parseSnapshot(snapshot({ articles: [] })).articles).toEqual([]);
  });

  it('keeps only the fields of an article', () => {
    const parsed = parseSnapshot(snapshot({ articles: [{ ...article(), extra: 'dropped', __proto__: { evil: 1 } }] }));
    expect(Object.keys(parsed.articles[0]!).sort()).toEqual(
      ['boldTerms', 'html', 'id', 'links', 'modified', 'summary', 'tags', 'text', 'title'],
    );
  });

  it.each([
    [null, 'Starter snapshot is null, expected an object'],
    [[], 'Starter snapshot is an array, expected an object'],
    ['{}', 'Starter snapshot is the string "{}", expected an object'],
    [snapshot({ format: 2 }), 'Starter snapshot format is 2, expected 1'],
    [snapshot({ format: undefined }), 'Starter snapshot format is undefined, expected 1'],
    [snapshot({ generatedAt: -1 }), 'Starter snapshot generatedAt is the number -1, expected unix milliseconds'],
    [snapshot({ generatedAt: '2024' }), 'Starter snapshot generatedAt is the string "2024", expected unix milliseconds'],
    [snapshot({ articles: {} }), 'Starter snapshot articles is an object, expected an array'],
    [snapshot({ articles: [7] }), 'Starter snapshot articles[0] is the number 7, expected an article object'],
    [snapshot({ articles: [article({ title: 3 })] }), 'Starter snapshot articles[0].title is the number 3, expected a string'],
    [snapshot({ articles: [article({ html: undefined })] }), 'Starter snapshot articles[0].html is missing, expected a string'],
    [snapshot({ articles: [article({ id: '' })] }), 'Starter snapshot articles[0].id is empty'],
    [snapshot({ articles: [article({ links: 'crewai' })] }), 'Starter snapshot articles[0].links is the string "crewai", expected an array of strings'],
    [snapshot({ articles: [article(), article({ id: 'x', tags: ['a', false] })] }), 'Starter snapshot articles[1].tags[1] is the boolean false, expected a string'],
    [snapshot({ articles: [article({ modified: Number.NaN })] }), 'Starter snapshot articles[0].modified is NaN, expected unix milliseconds'],
    [snapshot({ articles: [article(), article()] }), 'Starter snapshot articles[1] repeats the id "metagpt"'],
  ])('rejects %j with a clear error', (json, message) => {
    expect(() => parseSnapshot(json)).toThrow(new Error(message));
  });
});
