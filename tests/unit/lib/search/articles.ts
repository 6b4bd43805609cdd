/**
 * A small knowledge base for search tests: real titles of the starter set,
 * with the shapes that matter (acronyms in parentheses, a colon, "formerly",
 * guides and comparisons that mention the same terms).
 */
import type { Article } from '../../../../lib/article';

export function article(id: string, title: string, summary: string, extra: Partial<Article> = {}): Article {
  const text = extra.text ?? `${title}\n${summary}`;
  return {
    id,
    title,
    html: `<h1>${title}</h1><p>${summary}</p>`,
    text,
    summary,
    boldTerms: extra.boldTerms ?? [],
    links: [],
    tags: extra.tags ?? [],
    modified: extra.modified ?? 1_700_000_000_000,
    ...extra,
  };
}

export const starterLike: Article[] = [
  article(
    'retrieval_augmented_generation',
    'Retrieval-Augmented Generation (RAG)',
    'Retrieval-Augmented Generation (RAG) is a technique that grounds a language model in documents fetched from an external index at query time.',
    { boldTerms: ['Retrieval-Augmented Generation', 'RAG'], tags: ['retrieval', 'llm'] },
  ),
  article(
    'model_context_protocol',
    'Model Context Protocol (MCP)',
    'The Model Context Protocol (MCP) is an open protocol that lets language model applications connect to tools and data sources through a common interface.',
    { boldTerms: ['Model Context Protocol', 'MCP'], tags: ['protocols', 'tools'] },
  ),
  article(
    'how_to_use_mcp',
    'How to Use MCP (Model Context Protocol)',
    'This guide shows how to connect an agent to an MCP server, list its tools and call them, with MCP examples in Python.',
    {
      tags: ['guide', 'protocols'],
      text: 'How to Use MCP. MCP servers expose tools. MCP clients call MCP tools. MCP, MCP, MCP: the MCP way.',
    },
  ),
  article(
    'metagpt',
    'MetaGPT: Multi-Agent Framework with SOPs',
    'MetaGPT is an open-source multi-agent framework that assigns roles to language model agents and coordinates them with standard operating procedures.',
    { boldTerms: ['MetaGPT'], tags: ['agents', 'frameworks'] },
  ),
  article(
    'openhands',
    'OpenHands (formerly OpenDevin)',
    'OpenHands, formerly called OpenDevin, is an open platform for software development agents that write code, run commands and browse the web.',
    { boldTerms: ['OpenHands'], tags: ['agents', 'coding'] },
  ),
  article(
    'open_closed_performance_gap',
    'Open-Closed Model Performance Gap',
    'The open-closed model performance gap is the difference in capability between the best proprietary language models and the best openly released ones.',
    {
      boldTerms: ['open-closed model performance gap'],
      tags: ['models', 'benchmarks'],
      text:
        'Open-Closed Model Performance Gap\nThe open-closed model performance gap is the difference in capability between the best proprietary language models and the best openly released ones. ' +
        'Benchmarks such as MMLU measure it. The gap narrowed after Llama 2 and Mixtral. Agents built with MetaGPT and retrieval with RAG depend on the strength of the underlying model. ' +
        'Some researchers argue that the gap in long-horizon planning remains wider than the gap on static benchmarks, because planning errors compound over many steps.',
    },
  ),
  article(
    'large_language_models',
    'Large Language Models (LLMs)',
    'Large language models (LLMs) are neural networks trained on large text corpora to predict the next token, which lets them follow instructions and write text.',
    { boldTerms: ['Large language models', 'LLMs'], tags: ['models'] },
  ),
  article(
    'chain_of_thought_agents',
    'Chain of Thought (CoT) Agents',
    'Chain of thought (CoT) prompting asks a model to write out intermediate reasoning steps before its answer; CoT agents use it to plan tool calls.',
    { boldTerms: ['Chain of thought', 'CoT'], tags: ['reasoning', 'prompting'] },
  ),
  article(
    'langchain_vs_llamaindex_comparison',
    'LangChain vs LlamaIndex Comparison',
    'LangChain and LlamaIndex are two popular frameworks for building applications on language models; this page compares their approach to RAG and agents.',
    { tags: ['frameworks', 'comparison'], text: 'LangChain vs LlamaIndex. RAG RAG RAG. Retrieval-augmented generation with RAG pipelines.' },
  ),
  article(
    'digest_20261127',
    'AI Agent Digest: 27 November 2026',
    'News of the day: a new MetaGPT release, an MCP server registry, and a paper on RAG evaluation.',
    { tags: ['digest'], modified: 1_800_000_000_000 },
  ),
  article(
    'agentic_rag',
    'Agentic RAG',
    'Agentic RAG lets an agent decide when and what to retrieve: RAG steps become tool calls, and RAG results feed further RAG queries.',
    { boldTerms: ['Agentic RAG'], tags: ['retrieval', 'agents'], text: 'Agentic RAG. RAG as a tool. RAG loops. RAG, RAG and more RAG.' },
  ),
  article(
    'rag_evaluation',
    'RAG Evaluation',
    'RAG evaluation measures how well a RAG system retrieves and uses documents; RAG benchmarks score retrieval and answers apart.',
    { boldTerms: ['RAG evaluation'], tags: ['rag', 'evaluation'], text: 'RAG Evaluation. RAG metrics. RAG RAG RAG.' },
  ),
  article(
    'llama',
    'Llama',
    'Llama is a family of openly released language models from Meta; Meta publishes the weights under its own licence.',
    { boldTerms: ['Llama'], tags: ['models'], text: 'Llama. Meta released Llama. Meta, Meta AI and Meta again: Meta Meta Meta.' },
  ),
  article(
    'metamorphic_testing',
    'Metamorphic Testing for Agents',
    'Metamorphic testing checks an agent by transforming its inputs in ways whose effect on the output is known in advance.',
    { boldTerms: ['Metamorphic testing'], tags: ['testing'] },
  ),
];
