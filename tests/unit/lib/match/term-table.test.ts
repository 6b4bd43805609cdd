import { describe, expect, it } from 'vitest';
import {
  aliasesOf,
  buildTermTable,
  ownerIds,
  parseTermTable,
  type TermSource,
  type TermTable,
} from '../../../../lib/match/term-table';
import { syntheticArticles } from '../../../bench/synthetic-wiki';

const article = (id: string, title: string, boldTerms: string[] = [], summary = ''): TermSource => ({
  id,
  title,
  summary,
  boldTerms,
});

const aliases = (source: TermSource, nonTerm = false) => [...aliasesOf(source, nonTerm).keys()];

/** The ids that claim a phrase in a table, best first; [] when no term. */
function claimsOf(table: TermTable, phrase: string): string[] {
  const index = table.terms.indexOf(phrase);
  return index < 0 ? [] : ownerIds(table, index);
}

describe('aliases of one article', () => {
  it('names an article by its title and its id in words', () => {
    const names = aliases(article('open_closed_performance_gap', 'Open-Closed Model Performance Gap'));
    expect(names).toContain('open closed model performance gap');
    expect(names).toContain('open closed performance gap');
  });

  it('uses only the last namespace segment of an id', () => {
    expect(aliases(article('research:agents:tree_of_thoughts', ''))).toContain('tree of thoughts');
  });

  it('gives id words the case the title spells them with', () => {
    expect(aliases(article('metagpt', 'MetaGPT: Multi-Agent Framework with SOPs'))).toContain('MetaGPT');
    expect(aliases(article('llm', 'Large Language Models (LLMs)'))).toEqual(
      expect.arrayContaining(['LLM', 'LLMs', 'large language model', 'large language models']),
    );
    expect(aliases(article('llm', 'Large Language Models (LLMs)'))).not.toContain('llm');
  });

  it('does not turn a short lower-case id into a folded term', () => {
    expect(aliases(article('cot', 'Chain-of-Thought Prompting'))).not.toContain('cot');
  });

  it('names an article by the part of its title before a colon', () => {
    const names = aliases(article('metagpt', 'MetaGPT: Multi-Agent Framework with SOPs'));
    expect(names).toContain('MetaGPT');
    expect(names.some((n) => n.includes('framework'))).toBe(false);
  });

  it('takes acronyms and expansions from parentheses, either way round', () => {
    expect(aliases(article('model_context_protocol', 'MCP (Model Context Protocol)'))).toEqual(
      expect.arrayContaining(['MCP', 'model context protocol']),
    );
    expect(aliases(article('chain_of_thought_agents', 'Chain of Thought (CoT) Agents'))).toEqual(
      expect.arrayContaining(['CoT', 'chain of thought', 'chain of thought agents']),
    );
    expect(aliases(article('rag', 'Retrieval-Augmented Generation (RAG)'))).toEqual(
      expect.arrayContaining(['RAG', 'retrieval augmented generation']),
    );
  });

  it('does not take a parenthesis that is no expansion for an acronym', () => {
    const names = aliases(article('mixtral', 'Mixtral (Model Family)'));
    expect(names).toContain('mixtral');
    expect(names).not.toContain('model family');
  });

  it('takes acronyms from bold terms', () => {
    expect(aliases(article('a2a', 'Agent2Agent', ['Agent-to-Agent Protocol (A2A)']))).toEqual(
      expect.arrayContaining(['A2A', 'agent to agent protocol', 'Agent2Agent']),
    );
  });

  it('takes the acronym the opening defines for the article itself, and no other', () => {
    const summary =
      'Retrieval-Augmented Generation (RAG) is a technique that grounds large language models (LLMs) in documents.';
    const names = aliases(article('retrieval_augmented_generation', 'Retrieval-Augmented Generation', [], summary));
    expect(names).toContain('RAG');
    expect(names).not.toContain('LLMs');
  });

  it('names an article by its former names', () => {
    const names = aliases(article('openhands', 'OpenHands (formerly OpenDevin)'));
    expect(names).toEqual(expect.arrayContaining(['OpenHands', 'OpenDevin']));
  });

  it('uses the bold terms of the opening', () => {
    expect(aliases(article('swe_bench', 'SWE-bench', ['SWE-bench Verified']))).toContain('SWE bench verified');
  });

  it('abbreviates titles of 3+ words as first word(s) plus last word', () => {
    const names = aliases(article('open_closed_performance_gap', 'Open-Closed Model Performance Gap'));
    expect(names).toEqual(expect.arrayContaining(['open closed gap', 'open closed model gap']));
  });

  it('does not abbreviate short titles, generic first words, or across "of"', () => {
    expect(aliases(article('agent_memory', 'Agent Memory'))).toEqual(['agent memory', 'agent memories']);
    expect(aliases(article('large_language_model_agents', 'Large Language Model Agents'))).not.toContain('large agents');
    expect(aliases(article('chain_of_thought_agents', 'Chain of Thought Agents'))).not.toContain('chain agents');
  });

  it('adds simple plurals and singulars', () => {
    expect(aliases(article('llm', 'LLM'))).toEqual(expect.arrayContaining(['LLM', 'LLMs']));
    expect(aliases(article('ai_agent', 'AI Agent'))).toEqual(expect.arrayContaining(['AI agent', 'AI agents']));
    expect(aliases(article('ai_agents', 'AI Agents'))).toContain('AI agent');
    expect(aliases(article('ontology', 'Knowledge Ontology'))).toContain('knowledge ontologies');
    expect(aliases(article('analysis', 'Sentiment Analysis'))).not.toContain('sentiment analysi');
  });

  it('never makes a single common word a term', () => {
    for (const title of ['Memory', 'Planning', 'Tools', 'Agents', 'Agent', 'Models', 'The', 'IT']) {
      expect(aliases(article(title.toLowerCase(), title)), title).toEqual([]);
    }
  });

  it('makes a one-word title a proper name when the opening only ever capitalises it', () => {
    const summary = '**Llama** is a family of models from Meta. The first version, styled LLaMA, was small.';
    expect(aliases(article('llama', 'Llama', ['Llama'], summary))).toEqual(['Llama']);
    const common = 'Quantization stores weights with fewer bits. For large models quantization cuts memory.';
    expect(aliases(article('quantization', 'Quantization', [], common))).toEqual(['quantization', 'quantizations']);
    // Only evidence away from the start of a sentence counts.
    expect(aliases(article('claude', 'Claude', [], 'Claude is a model. Claude models are offered.'))).toContain('claude');
  });

  it('closes up hyphenated words as a variant', () => {
    expect(aliases(article('multi_agent_systems', 'Multi-Agent Systems'))).toEqual(
      expect.arrayContaining(['multi agent systems', 'multiagent systems', 'multiagent system']),
    );
    expect(aliases(article('gpt_4', 'GPT-4'))).not.toContain('GPT4');
  });

  it('keeps acronyms in their case and single rare words folded', () => {
    expect(aliases(article('rag', 'RAG'))).toEqual(['RAG', 'RAGs']);
    expect(aliases(article('mixtral', 'Mixtral'))).toEqual(['mixtral', 'mixtrals']);
  });

  it('refuses numbers and too-short words as terms', () => {
    expect(aliases(article('2024', '2024'))).toEqual([]);
    expect(aliases(article('ab', 'Ab'))).toEqual([]);
  });

  it('keeps only the acronyms a non-term article defines', () => {
    const names = aliases(article('how_to_use_mcp', 'How to Use MCP (Model Context Protocol)'), true);
    expect(names).toEqual(expect.arrayContaining(['MCP', 'model context protocol']));
    expect(names).not.toContain('how to use MCP');
  });

  it('survives malformed sources', () => {
    const broken = { id: 'x_y_z', title: undefined, summary: null, boldTerms: 'nope' } as unknown as TermSource;
    expect(aliases(broken)).toEqual(['x y z']);
  });
});

describe('buildTermTable', () => {
  const articles = [
    article('open_closed_performance_gap', 'Open-Closed Model Performance Gap', ['open-closed model performance gap']),
    article('metagpt', 'MetaGPT: Multi-Agent Framework with SOPs', ['MetaGPT']),
    article('how_to_use_mcp', 'How to Use MCP (Model Context Protocol)'),
    article('model_context_protocol', 'Model Context Protocol', ['Model Context Protocol (MCP)']),
    article('chain_of_thought_agents', 'Chain of Thought (CoT) Agents'),
    article('openhands', 'OpenHands (formerly OpenDevin)'),
    article('gpt_4_vs_claude', 'GPT-4 vs Claude'),
    article('agent_framework_comparison', 'Agent Framework Comparison'),
    article('digest_20250101', 'Daily Digest 2025-01-01'),
    article('memory', 'Memory'),
  ];

  it('makes guides, comparisons and digests no terms, but keeps the acronyms they define', () => {
    const table = buildTermTable(articles);
    expect(table.terms.some((t) => t.includes('how to use'))).toBe(false);
    expect(table.ids).not.toContain('gpt_4_vs_claude');
    expect(table.ids).not.toContain('agent_framework_comparison');
    expect(table.ids).not.toContain('digest_20250101');
    expect(claimsOf(table, 'MCP')).toEqual(['model_context_protocol', 'how_to_use_mcp']);
  });

  it('reads the non-term patterns from its options', () => {
    const table = buildTermTable(articles, { nonTermIdPatterns: ['open_*'] });
    expect(table.ids).toContain('agent_framework_comparison');
    expect(claimsOf(table, 'open closed gap')).toEqual([]);
  });

  it('keeps every article that claims an alias, best first', () => {
    const table = buildTermTable([
      article('transformer_architecture', 'Transformer Architecture', ['Transformer']),
      article('transformer', 'Transformer'),
    ]);
    expect(claimsOf(table, 'transformer')).toEqual(['transformer', 'transformer_architecture']);
  });

  it('offers the claimants of a folded twin wherever the capitalised phrase matches', () => {
    const summary = 'The Transformer is an architecture. A Transformer stacks layers.';
    const table = buildTermTable([
      article('transformer', 'Transformer', [], summary),
      article('transformer_architecture', 'Transformer Architecture', ['transformer']),
    ]);
    expect(claimsOf(table, 'Transformer')).toEqual(['transformer', 'transformer_architecture']);
    expect(claimsOf(table, 'transformer')).toEqual(['transformer_architecture']);
  });

  it('has only the articles that some term names, with their titles', () => {
    const table = buildTermTable(articles);
    expect(table.ids).not.toContain('memory');
    expect(table.titles[table.ids.indexOf('metagpt')]).toBe('MetaGPT: Multi-Agent Framework with SOPs');
  });

  it('is compact JSON: flat arrays, numbers for single owners', () => {
    const table = buildTermTable(articles);
    expect(Object.keys(table).sort()).toEqual(['headStarts', 'heads', 'ids', 'owners', 'terms', 'titles', 'v']);
    expect(table.owners.every((o) => typeof o === 'number' || (Array.isArray(o) && o.length > 1))).toBe(true);
  });

  it('groups its terms by first token and lists the groups', () => {
    const table = buildTermTable(articles);
    expect(table.heads).toEqual([...new Set(table.terms.map((t) => t.split(/[ .:]/)[0]))].sort());
    expect(table.heads).toContain('open');
    expect(table.heads).toContain('MCP');
    table.heads.forEach((head, k) => {
      const group = table.terms.slice(table.headStarts[k], table.headStarts[k + 1] ?? table.terms.length);
      expect(group.length).toBeGreaterThan(0);
      for (const term of group) expect(term.split(/[ .:]/)[0]).toBe(head);
      expect([...group].sort()).toEqual(group);
    });
  });

  it('is deterministic whatever the order of its input', () => {
    const reversed = [...articles].reverse();
    expect(JSON.stringify(buildTermTable(reversed))).toBe(JSON.stringify(buildTermTable(articles)));
  });

  it('stays small for 3,000 articles', () => {
    const json = JSON.stringify(buildTermTable(syntheticArticles(3_000)));
    // Measured: ~325 KB (73 KB gzip) for ~7,800 phrases.
    expect(json.length).toBeLessThan(450_000);
  });

  it('ignores articles without an id and duplicate ids', () => {
    const table = buildTermTable([
      article('', 'Nameless Thing'),
      article('langchain', 'LangChain'),
      article('langchain', 'Something Else Entirely'),
    ]);
    expect(table.ids).toEqual(['langchain']);
    expect(table.titles).toEqual(['LangChain']);
  });
});

describe('parseTermTable', () => {
  const table = buildTermTable([article('langchain', 'LangChain')]);

  it('accepts a table that survived a JSON round trip', () => {
    const parsed = parseTermTable(JSON.parse(JSON.stringify(table)));
    expect(parsed).toEqual({ ok: true, value: table });
  });

  it('refuses missing, old and damaged tables with a clear error', () => {
    expect(parseTermTable(undefined)).toEqual({ ok: false, error: 'The term table is missing.' });
    expect(parseTermTable({ ...table, v: 0 })).toMatchObject({ ok: false, error: expect.stringContaining('version 0') });
    expect(parseTermTable({ ...table, titles: [] })).toMatchObject({ ok: false, error: expect.stringContaining('length') });
    expect(parseTermTable({ ...table, heads: undefined })).toMatchObject({ ok: false, error: expect.stringContaining('arrays') });
    expect(parseTermTable({ ...table, terms: 'x' })).toMatchObject({ ok: false, error: expect.stringContaining('arrays') });
  });
});
