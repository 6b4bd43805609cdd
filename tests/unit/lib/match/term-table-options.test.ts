/**
 * What the user's settings change in the term table: their own aliases,
 * aliases they removed, and everyday words as terms. Settings arrive as
 * stored (completeSettings), so malformed entries are part of the test.
 */
import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../../../../lib/match/matcher';
import {
  buildTermTable,
  checkAlias,
  ownerIds,
  termTableOptionsFrom,
  termTableSettingsKey,
  type TermSource,
  type TermTable,
} from '../../../../lib/match/term-table';
import { completeSettings, defaultSettings, type Settings } from '../../../../lib/settings/settings';

const article = (id: string, title: string, boldTerms: string[] = []): TermSource => ({ id, title, summary: '', boldTerms });

const ARTICLES = [
  article('retrieval_augmented_generation', 'Retrieval-Augmented Generation (RAG)'),
  article('memory', 'Memory'),
  article('agent_memory', 'Agent Memory'),
  article('large_language_model', 'Large Language Models (LLMs)'),
  article('planning', 'Planning'),
];

function claimsOf(table: TermTable, phrase: string): string[] {
  const index = table.terms.indexOf(phrase);
  return index < 0 ? [] : ownerIds(table, index);
}

/** The texts the table's matcher finds in `text`, with the first id of each. */
function found(table: TermTable, text: string): [string, string][] {
  return compileMatcher(table)
    .findAll(text)
    .map((m) => [text.slice(m.start, m.end), m.ids[0]!]);
}

describe('settings that shape the term table', () => {
  it('are off by default, and the table is the one without options', () => {
    const settings = defaultSettings('https://agentwiki.org/');
    expect(settings).toMatchObject({
      markEveryOccurrence: false,
      markInLinks: false,
      markCommonWords: false,
      customAliases: [],
      removedAliases: [],
    });
    expect(buildTermTable(ARTICLES, termTableOptionsFrom(settings))).toEqual(buildTermTable(ARTICLES));
  });

  it('keep only well-formed stored alias rules, trimmed', () => {
    const settings = completeSettings(
      {
        customAliases: [{ alias: '  retrieval ', id: ' memory ' }, { alias: '', id: 'x' }, { alias: 'y' }, 'nope', null, { alias: 3, id: 'z' }],
        removedAliases: 'not a list',
        markCommonWords: 'yes',
      },
      'https://agentwiki.org/',
    );
    expect(settings.customAliases).toEqual([{ alias: 'retrieval', id: 'memory' }]);
    expect(settings.removedAliases).toEqual([]);
    expect(settings.markCommonWords).toBe(false);
  });
});

describe('everyday words as terms', () => {
  it('are no terms unless the user turns them on', () => {
    expect(claimsOf(buildTermTable(ARTICLES), 'memory')).toEqual([]);
    const table = buildTermTable(ARTICLES, { includeCommonWords: true });
    expect(claimsOf(table, 'memory')).toEqual(['memory']);
    expect(claimsOf(table, 'planning')).toEqual(['planning']);
    // The longer name still wins where it stands.
    expect(found(table, 'Agent memory is not all memory.')).toEqual([
      ['Agent memory', 'agent_memory'],
      ['memory', 'memory'],
    ]);
  });

  it('never makes a function word a term, even then', () => {
    const table = buildTermTable([article('the', 'The')], { includeCommonWords: true });
    expect(table.terms).toEqual([]);
  });
});

describe('aliases the user adds', () => {
  it('name their article first, with plural and singular, even as everyday words', () => {
    const table = buildTermTable(ARTICLES, {
      customAliases: [
        { alias: 'context stuffing', id: 'retrieval_augmented_generation' },
        { alias: 'recall', id: 'agent_memory' },
      ],
    });
    expect(claimsOf(table, 'context stuffing')).toEqual(['retrieval_augmented_generation']);
    expect(claimsOf(table, 'recall')).toEqual(['agent_memory']);
    expect(found(table, 'Context-stuffing and recalls.')).toEqual([
      ['Context-stuffing', 'retrieval_augmented_generation'],
      ['recalls', 'agent_memory'],
    ]);
  });

  it('keep the case of an acronym typed in capitals', () => {
    const table = buildTermTable(ARTICLES, { customAliases: [{ alias: 'GAR', id: 'retrieval_augmented_generation' }] });
    expect(found(table, 'GAR, not a gar fish.')).toEqual([['GAR', 'retrieval_augmented_generation']]);
  });

  it('come before the articles that claim the phrase already', () => {
    const table = buildTermTable(ARTICLES, { customAliases: [{ alias: 'RAG', id: 'agent_memory' }] });
    expect(claimsOf(table, 'RAG')).toEqual(['agent_memory', 'retrieval_augmented_generation']);
  });

  it('wait for an article that is not cached, and pass over what is no phrase', () => {
    const table = buildTermTable(ARTICLES, {
      customAliases: [
        { alias: 'vector recall', id: 'not_synced_yet' },
        { alias: '—', id: 'memory' },
        { alias: 'a b c d e f g h i j k l m', id: 'memory' },
      ],
    });
    expect(table).toEqual(buildTermTable(ARTICLES));
  });
});

describe('aliases the user removes', () => {
  it('take the phrase from that article only, in any case, with its plural', () => {
    const table = buildTermTable(ARTICLES, {
      removedAliases: [{ alias: 'llm', id: 'large_language_model' }],
    });
    expect(claimsOf(table, 'LLM')).toEqual([]);
    expect(claimsOf(table, 'LLMs')).toEqual([]);
    expect(claimsOf(table, 'large language models')).toEqual(['large_language_model']);
    expect(found(table, 'LLMs are large language models.')).toEqual([['large language models', 'large_language_model']]);
  });

  it('leave the phrase to the other articles that claim it', () => {
    const both = [article('transformer', 'Transformer'), article('transformer_architecture', 'Transformer Architecture', ['Transformer'])];
    const table = buildTermTable(both, { removedAliases: [{ alias: 'Transformer', id: 'transformer' }] });
    expect(claimsOf(table, 'transformer')).toEqual(['transformer_architecture']);
  });

  it('give way to an alias the user added back', () => {
    const table = buildTermTable(ARTICLES, {
      removedAliases: [{ alias: 'RAG', id: 'retrieval_augmented_generation' }],
      customAliases: [{ alias: 'RAG', id: 'retrieval_augmented_generation' }],
    });
    expect(claimsOf(table, 'RAG')).toEqual(['retrieval_augmented_generation']);
  });
});

describe('checkAlias', () => {
  it('gives the phrase as it will be matched, or says why not', () => {
    expect(checkAlias('  Open–Closed Gap ')).toEqual({ ok: true, value: 'open closed gap' });
    expect(checkAlias('RAG')).toEqual({ ok: true, value: 'RAG' });
    expect(checkAlias('   ')).toMatchObject({ ok: false, error: expect.stringContaining('Type') });
    expect(checkAlias('—!')).toMatchObject({ ok: false, error: expect.stringContaining('no letters') });
    expect(checkAlias('a b c d e f g h i j k l m')).toMatchObject({ ok: false, error: expect.stringContaining('at most 12') });
  });
});

describe('termTableSettingsKey', () => {
  const base = defaultSettings('https://agentwiki.org/');

  it('changes with what changes the table, and not with the order or spelling of one phrase', () => {
    const one = { ...base, customAliases: [{ alias: 'A b', id: 'x' }, { alias: 'c', id: 'y' }] };
    const same = { ...base, customAliases: [{ alias: 'c', id: 'y' }, { alias: 'a B', id: 'x' }] };
    expect(termTableSettingsKey(one)).toBe(termTableSettingsKey(same));
    expect(termTableSettingsKey(one)).not.toBe(termTableSettingsKey(base));
    expect(termTableSettingsKey({ ...base, markCommonWords: true })).not.toBe(termTableSettingsKey(base));
    expect(termTableSettingsKey({ ...base, removedAliases: [{ alias: 'c', id: 'y' }] })).not.toBe(termTableSettingsKey(base));
    const linksToo: Settings = { ...base, markInLinks: true };
    expect(termTableSettingsKey(linksToo)).toBe(termTableSettingsKey(base));
    // An acronym keeps its case in the table, so its case is part of the key.
    const acronym = (alias: string) => termTableSettingsKey({ ...base, customAliases: [{ alias, id: 'x' }] });
    expect(acronym('GAR')).not.toBe(acronym('gar'));
  });
});
