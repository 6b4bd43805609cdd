import { describe, expect, it } from 'vitest';
import { compileMatcher, type Matcher } from '../../../../lib/match/matcher';
import { canonicalPhrase, firstKeyOf, tokenize } from '../../../../lib/match/normalize';
import { buildTermTable, type TermSource, type TermTable } from '../../../../lib/match/term-table';
import { seededRandom } from '../../../bench/synthetic-wiki';

/** A table straight from phrases (bypassing the alias rules), one article per phrase unless given. */
function tableOf(entries: [phrase: string, ...ids: string[]][]): TermTable {
  const ids = [...new Set(entries.flatMap(([phrase, ...owners]) => (owners.length ? owners : [phrase])))].sort();
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = entries
    .map(([phrase, ...owners]): [string, string, string[]] => {
      const canonical = canonicalPhrase(phrase);
      return [firstKeyOf(canonical), canonical, owners.length ? owners : [phrase]];
    })
    .sort((a, b) => byCodeUnit(a[0], b[0]) || byCodeUnit(a[1], b[1]));
  const heads = [...new Set(sorted.map(([head]) => head))];
  return {
    v: 1,
    ids,
    titles: ids,
    terms: sorted.map(([, phrase]) => phrase),
    owners: sorted.map(([, , owners]) => {
      const list = owners.map((id) => ids.indexOf(id));
      return list.length === 1 ? list[0]! : list;
    }),
    heads,
    headStarts: heads.map((head) => sorted.findIndex(([h]) => h === head)),
  };
}

/** The matched texts with their first id. */
function found(matcher: Matcher, text: string): [string, string][] {
  return matcher.findAll(text).map((m) => [text.slice(m.start, m.end), m.ids[0]!]);
}

const texts = (matcher: Matcher, text: string) => found(matcher, text).map(([t]) => t);

describe('word boundaries', () => {
  const matcher = compileMatcher(tableOf([['RAG'], ['agent'], ['chain of thought']]));

  it('never finds a term inside a longer word', () => {
    expect(texts(matcher, 'RAGE reagent agents agentic')).toEqual([]);
    expect(texts(matcher, 'RAG, agent.')).toEqual(['RAG', 'agent']);
  });

  it('finds a term beside punctuation, hyphens and other scripts', () => {
    expect(texts(matcher, '(RAG)-based agent—driven "agent" RAGモデル')).toEqual(['RAG', 'agent', 'agent', 'RAG']);
  });

  it('treats spaces, hyphens, dashes and line breaks alike between words', () => {
    expect(texts(matcher, 'chain-of-thought; chain–of–thought; chain of\n thought; chain_of_thought')).toHaveLength(4);
  });

  it('never runs a term across other punctuation', () => {
    expect(texts(matcher, 'a chain. Of thought; chain, of thought')).toEqual([]);
  });
});

describe('case', () => {
  const matcher = compileMatcher(tableOf([['RAG', 'rag'], ['LLMs', 'llm'], ['CoT', 'cot'], ['open closed gap', 'gap']]));

  it('matches acronyms only with their own case', () => {
    expect(texts(matcher, 'RAG rag Rag rAG LLMs llms LLMS CoT cot COT')).toEqual(['RAG', 'LLMs', 'CoT']);
  });

  it('matches ordinary words in any case', () => {
    expect(texts(matcher, 'Open-Closed Gap, OPEN CLOSED GAP, open–closed gap')).toHaveLength(3);
  });

  it('prefers the exact spelling when an acronym and a word tie', () => {
    const both = compileMatcher(tableOf([['ReAct', 'react_agents'], ['react', 'react_library']]));
    expect(found(both, 'ReAct and React and react')).toEqual([
      ['ReAct', 'react_agents'],
      ['React', 'react_library'],
      ['react', 'react_library'],
    ]);
  });

  it('matches full-width and compatibility forms', () => {
    expect(texts(matcher, 'ＲＡＧ and ＬＬＭｓ')).toEqual(['ＲＡＧ', 'ＬＬＭｓ']);
  });
});

describe('longest-leftmost, never overlapping', () => {
  const matcher = compileMatcher(
    tableOf([['language model'], ['large language model'], ['model context protocol'], ['gap analysis'], ['open closed gap']]),
  );

  it('takes the longest term at a position', () => {
    expect(texts(matcher, 'a large language model here')).toEqual(['large language model']);
  });

  it('takes the leftmost of two overlapping terms, then goes on after it', () => {
    expect(texts(matcher, 'open-closed gap analysis')).toEqual(['open-closed gap']);
    expect(texts(matcher, 'language model context protocol')).toEqual(['language model']);
  });

  it('falls back to a shorter term when the longer one does not complete', () => {
    const nested = compileMatcher(tableOf([['model context'], ['model context protocol']]));
    expect(texts(nested, 'model context window; model context protocol')).toEqual(['model context', 'model context protocol']);
    expect(texts(matcher, 'the large language, language model')).toEqual(['language model']);
  });

  it('reports offsets in the original text', () => {
    const text = '«Ｌarge  language\u00a0mo\u00addel»';
    const [match] = matcher.findAll(text);
    expect(match).toMatchObject({ start: 1, end: text.length - 1 });
  });
});

describe('strength and evidence', () => {
  const matcher = compileMatcher(tableOf([['RAG'], ['AI agents'], ['fine-tuning'], ['tool use']]));

  it('calls a term strong when it has an acronym or inner capital', () => {
    expect(matcher.findAll('RAG, AI agents, fine-tuning').map((m) => m.strong)).toEqual([true, true, false]);
  });

  it('collects the acronyms the table uses as signals, even where no term is found', () => {
    const evidence = { signals: new Set<string>() };
    matcher.findAll('Some AI tooling, AI again, no agents here; tool use; RAG', evidence);
    expect([...evidence.signals]).toEqual(['AI', 'RAG']);
    const none = { signals: new Set<string>() };
    matcher.findAll('crows and their tool use, fine-tuning a plan', none);
    expect(none.signals.size).toBe(0);
  });

  it('knows whether its table can give signals at all', () => {
    expect(matcher.hasSignals).toBe(true);
    expect(compileMatcher(tableOf([['tool use']])).hasSignals).toBe(false);
  });
});

describe('several articles for one term', () => {
  it('returns every id, best first', () => {
    const matcher = compileMatcher(tableOf([['MCP', 'model_context_protocol', 'how_to_use_mcp']]));
    expect(matcher.findAll('MCP')[0]!.ids).toEqual(['model_context_protocol', 'how_to_use_mcp']);
  });
});

describe('other scripts', () => {
  it('finds German terms across case and ß/ss', () => {
    const matcher = compileMatcher(tableOf([['Künstliche Intelligenz', 'ki'], ['Straßenverkehrsordnung', 'stvo']]));
    expect(texts(matcher, 'KÜNSTLICHE INTELLIGENZ und künstliche Intelligenz')).toHaveLength(2);
    expect(texts(matcher, 'die STRASSENVERKEHRSORDNUNG, die Strassenverkehrsordnung')).toHaveLength(2);
    expect(texts(matcher, 'Intelligenzen')).toEqual([]);
  });

  it('finds Japanese terms inside unspaced text, character by character', () => {
    const matcher = compileMatcher(tableOf([['大規模言語モデル', 'llm'], ['GPT', 'gpt']]));
    const text = 'これは大規模言語モデルです。GPTモデルとも。';
    expect(found(matcher, text)).toEqual([
      ['大規模言語モデル', 'llm'],
      ['GPT', 'gpt'],
    ]);
    expect(texts(matcher, '大規模 言語モデル')).toEqual(['大規模 言語モデル']);
  });

  it('finds terms of a table built from CJK titles', () => {
    const table = buildTermTable([{ id: 'llm_ja', title: '大規模言語モデル', summary: '', boldTerms: [] }]);
    expect(texts(compileMatcher(table), '最新の大規模言語モデルは')).toEqual(['大規模言語モデル']);
  });
});

describe('tables from the builder', () => {
  const articles: TermSource[] = [
    { id: 'open_closed_performance_gap', title: 'Open-Closed Model Performance Gap', summary: '', boldTerms: [] },
    { id: 'chain_of_thought_agents', title: 'Chain of Thought (CoT) Agents', summary: '', boldTerms: [] },
    { id: 'openhands', title: 'OpenHands (formerly OpenDevin)', summary: '', boldTerms: [] },
    { id: 'memory', title: 'Memory', summary: '', boldTerms: [] },
  ];
  const matcher = compileMatcher(buildTermTable(articles));

  it('finds abbreviated, acronym and former-name mentions', () => {
    expect(found(matcher, 'The open-closed gap narrows; CoT helps; OpenDevin became OpenHands; memory matters.')).toEqual([
      ['open-closed gap', 'open_closed_performance_gap'],
      ['CoT', 'chain_of_thought_agents'],
      ['OpenDevin', 'openhands'],
      ['OpenHands', 'openhands'],
    ]);
  });

  it('counts its phrases', () => {
    expect(matcher.termCount).toBeGreaterThan(5);
  });
});

describe('agreement with the tokenizer', () => {
  it('finds a one-token term at exactly the tokens tokenize() finds, on random mixed-script text', () => {
    const random = seededRandom(42);
    const alphabet = ['a', 'B', 'ß', 'é', 'e\u0301', ' ', '-', '.', '\u00ad', '語', 'モ', 'ＸＹ', '𝐀', '1', 'İ', 'Σ', '\n'];
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let i = 0; i < 30; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const tokens = tokenize(text);
      if (tokens.length === 0) continue;
      const target = tokens[Math.floor(random() * tokens.length)]!;
      const matcher = compileMatcher(tableOf([[target.folded, 'target']]));
      const expected = tokens.filter((t) => t.folded === target.folded).map((t) => [t.start, t.end]);
      const actual = matcher.findAll(text).map((m) => [m.start, m.end]);
      expect(actual, JSON.stringify(text)).toEqual(expected);
    }
  });
});

describe('damaged tables', () => {
  it('passes over entries that point nowhere or are not text, and finds the rest', () => {
    const table = tableOf([['LLM', 'llm'], ['MCP', 'mcp'], ['RAG', 'rag']]);
    table.owners[0] = 99;
    (table.terms as unknown[])[2] = 42;
    expect(texts(compileMatcher(table), 'LLM MCP RAG')).toEqual(['MCP']);
  });

  it('finds nothing for a term whose head is not listed', () => {
    const table = tableOf([['RAG', 'rag']]);
    table.heads = [];
    table.headStarts = [];
    expect(compileMatcher(table).findAll('RAG')).toEqual([]);
  });
});

describe('empty input', () => {
  it('finds nothing in empty text or with an empty table', () => {
    expect(compileMatcher(tableOf([['RAG']])).findAll('')).toEqual([]);
    expect(compileMatcher(tableOf([])).findAll('RAG agents')).toEqual([]);
  });
});
