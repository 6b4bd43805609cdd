// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { SUMMARY_MAX, extractArticle, summarize, titleFromId } from '../../../../lib/wiki/extract';
import { renderDokuWiki } from '../../../../lib/wiki/render';
import { allFixtures, fixture, pageExists } from './wiki-fixtures';

const fromFixture = (id: string, which: 'html' | 'tagPluginHtml' = 'html'): Article => {
  const page = fixture(id);
  const html = page[which];
  if (html === null) throw new Error(`no ${which} for ${id}`);
  return extractArticle({ id, raw: page.raw, html, modified: 1_700_000_000_000 });
};

const extract = (html: string, raw = '', id = 'test:page'): Article => extractArticle({ id, raw, html, modified: 5 });

describe('extractArticle on real DokuWiki pages', () => {
  it('reads a starter article', () => {
    const article = fromFixture('metagpt');
    expect(article.id).toBe('metagpt');
    expect(article.modified).toBe(1_700_000_000_000);
    expect(article.title).toBe('MetaGPT: Multi-Agent Framework with SOPs');
    expect(article.summary).toBe(
      'MetaGPT is an open-source multi-agent framework that organises LLM-based agents like a small software company, ' +
        'giving each one a professional role and making them follow standardised operating procedures (SOPs) to turn a ' +
        'one-line requirement into a working project. It was introduced in a 2023 paper that was accepted as an oral ' +
        'presentation at ICLR 2024.',
    );
    expect(article.boldTerms).toEqual(['MetaGPT']);
    // Existing pages only, in order, once each: the See Also list's missing
    // "chatdev" (wikilink2) is not there.
    expect(article.links).toEqual([
      'large_language_models',
      'multi_agent_systems',
      'hallucination',
      'reflexion',
      'autogen',
      'crewai',
      'agentic_workflows',
      'ai_agents',
    ]);
    expect(article.tags).toEqual(['agents', 'multi-agent', 'frameworks', 'software-engineering', 'sop']);
  });

  it('keeps the wiki HTML but removes section edit markers and the stray tag text', () => {
    const page = fixture('metagpt');
    expect(page.html).toContain('<!-- EDIT{');
    expect(page.html).toContain('agents multi-agent frameworks software-engineering sop');
    const { html } = fromFixture('metagpt');
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('agents multi-agent frameworks');
    expect(html).toContain('<h1 class="sectionedit1" id="metagptmulti-agent_framework_with_sops">MetaGPT: Multi-Agent Framework with SOPs</h1>');
    expect(html).toContain('<sup><a href="#fn__1" id="fnt__1" class="fn_top">1)</a></sup>');
    expect(html).toContain('<div class="footnotes">');
  });

  it('reads namespaced pages, quoted tags, footnotes and several bold terms', () => {
    const article = fromFixture('ai:rlhf');
    expect(article.title).toBe('Reinforcement Learning from Human Feedback (RLHF)');
    expect(article.boldTerms).toEqual(['Reinforcement learning from human feedback', 'RLHF']);
    expect(article.summary).toBe(
      'Reinforcement learning from human feedback (RLHF) is a technique that fine-tunes a language model with a reward ' +
        'model trained on human preference comparisons. It became the standard alignment step after instructgpt showed its value.',
    );
    // Not the missing ai:large_language_model, no_such_page, chain_of_thought, nor the Wikipedia link.
    expect(article.links).toEqual(['papers:instructgpt', 'ai:dpo', 'metagpt']);
    expect(article.tags).toEqual(['alignment', 'training', 'human feedback']);
    expect(article.html).not.toContain('alignment training');
  });

  it('finds the first heading at any level, even after text', () => {
    expect(fromFixture('papers:instructgpt').title).toBe('InstructGPT');
    const edge = fromFixture('syntax:edge');
    expect(edge.title).toBe('Late Title');
    expect(edge.summary).toBe('Text with no heading first.');
  });

  it('names a page without a heading after its id', () => {
    const article = fromFixture('ai:dpo');
    expect(article.title).toBe('Dpo');
    expect(article.summary).toBe('No heading here, just DPO text.');
    expect(article.boldTerms).toEqual(['DPO']);
  });

  it('gives plain text with footnote contents but not their markers', () => {
    const { text } = fromFixture('syntax:blocks');
    expect(text).toContain('Footnotes repeated and another.');
    expect(text).toContain('First note.');
    expect(text).toContain('Second bold note with metagpt.');
    expect(text).not.toMatch(/\d\)/);
    expect(text).not.toContain('fn_top');
    expect(text.split('\n')).toContain('Header 1 Header 2 Header 3');
  });
});

describe('extractArticle: the snapshot reads like the wiki', () => {
  const fields = ['title', 'summary', 'boldTerms', 'links', 'tags', 'text'] as const;
  const pick = (article: Article) => Object.fromEntries(fields.map((field) => [field, article[field]]));

  it.each(allFixtures().map((page) => [page.id, page] as const))('%s: rendered source and wiki HTML agree', (id, page) => {
    const rendered = renderDokuWiki(page.raw, { currentId: id, pageExists });
    const fromRender = extractArticle({ id, raw: page.raw, html: rendered, modified: 1 });
    const fromWiki = extractArticle({ id, raw: page.raw, html: page.html, modified: 1 });
    expect(pick(fromRender)).toEqual(pick(fromWiki));
  });

  it.each(['metagpt', 'ai:rlhf', 'open_closed_performance_gap'])('%s: a wiki with the tag plugin agrees too', (id) => {
    const page = fixture(id);
    const fromPlugin = fromFixture(id, 'tagPluginHtml');
    const fromRender = extractArticle({ id, raw: page.raw, html: renderDokuWiki(page.raw, { currentId: id, pageExists }), modified: 1 });
    expect(pick(fromPlugin)).toEqual(pick(fromRender));
    // The plugin's list stays in the HTML; its links are tags, not articles.
    expect(fromPlugin.html).toContain('<div class="tags">');
    expect(fromPlugin.links.some((link) => link.startsWith('tag:'))).toBe(false);
  });

  it('reads tags from the plugin list when the source has none', () => {
    const page = fixture('ai:rlhf');
    const article = extractArticle({ id: 'ai:rlhf', raw: '', html: page.tagPluginHtml ?? '', modified: 1 });
    expect(article.tags).toEqual(['alignment', 'training', 'human feedback']);
  });
});

describe('extractArticle: links', () => {
  it('takes the id from data-wiki-id, the id parameter, the script path, the title, or a pretty path', () => {
    const article = extract(
      `<p>
        <a href="/doku.php?id=a:one" class="wikilink1" title="a:one" data-wiki-id="a:one">1</a>
        <a href="/doku.php?id=a%3Atwo&amp;do=show" class="wikilink1">2</a>
        <a href="/wiki/doku.php/a/three" class="wikilink1">3</a>
        <a href="https://wiki.example.org/wiki/a:four" class="wikilink1" title="a:four">4</a>
        <a href="/a:five" class="wikilink1">5</a>
        <a href="/doku.php?id=user:alice" class="interwiki iw_user wikilink1" title="/doku.php?id=user:alice">6</a>
      </p>`,
    );
    expect(article.links).toEqual(['a:one', 'a:two', 'a:three', 'a:four', 'a:five', 'user:alice']);
  });

  it('leaves out missing pages, anchors, the page itself, tag links and repeats', () => {
    const article = extract(
      `<p>
        <a href="/doku.php?id=gone" class="wikilink2" title="gone" rel="nofollow" data-wiki-id="gone">gone</a>
        <a href="#section" title="test:page ↵" class="wikilink1">here</a>
        <a href="/doku.php?id=test:page&amp;do=edit" class="wikilink1" data-wiki-id="test:page">self</a>
        <a href="/doku.php?id=tag:x&amp;do=showtag&amp;tag=x" class="wikilink1" title="tag:x" rel="tag">x</a>
        <a href="https://example.org" class="urlextern">out</a>
        <a href="/doku.php?id=kept#part" class="wikilink1" data-wiki-id="kept">kept</a>
        <a href="/doku.php?id=kept" class="wikilink1" data-wiki-id="kept">again</a>
      </p>`,
    );
    expect(article.links).toEqual(['kept']);
  });
});

describe('extractArticle: tags', () => {
  it('reads the tag plugin syntax: phrases in quotes, one entry per tag, the plugin display form', () => {
    const raw = '{{tag>LLM llm "Human Feedback" human_feedback topic:agents}}\n{{tag>extra}}';
    expect(extract('', raw).tags).toEqual(['LLM', 'Human Feedback', 'agents', 'extra']);
  });

  it('ignores tag syntax shown inside code, file, nowiki and %% blocks', () => {
    const raw = '<code>\n{{tag>no}}\n</code>\n%%{{tag>nope}}%%\n<nowiki>{{tag>never}}</nowiki>\n{{tag>yes}}';
    expect(extract('', raw).tags).toEqual(['yes']);
  });

  it('removes the stray text of a macro on the same line as text, and keeps that text', () => {
    const html = '\n<p>\nSee the overview. agents tools\n</p>\n';
    const article = extract(html, 'See the overview.\n{{tag>agents tools}}');
    expect(article.tags).toEqual(['agents', 'tools']);
    expect(article.html).toBe('\n<p>\nSee the overview. \n</p>\n');
    expect(article.summary).toBe('See the overview.');
  });
});

describe('summarize', () => {
  const sentence = (length: number) => `${'word '.repeat(Math.ceil(length / 5)).slice(0, length - 1).trim()}.`;

  it('keeps a short text whole', () => {
    expect(summarize('A short definition.')).toBe('A short definition.');
  });

  it('cuts after the last sentence that ends between 200 and 500 characters', () => {
    const first = sentence(150);
    const second = sentence(150);
    const third = sentence(300);
    const summary = summarize(`${first} ${second} ${third}`);
    expect(summary).toBe(`${first} ${second}`);
  });

  it('does not end a sentence at an abbreviation or an initial', () => {
    const text = `${'a '.repeat(120)}as in e.g. this and J. Smith's work ${'b '.repeat(200)}`;
    const summary = summarize(text);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
  });

  it('cuts a text without a late sentence end at a word, with an ellipsis', () => {
    const summary = summarize('lorem ipsum '.repeat(100));
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(summary).toMatch(/(lorem|ipsum)…$/);
  });

  it('never exceeds the limit, even for one long word', () => {
    expect(summarize('x'.repeat(2000)).length).toBeLessThanOrEqual(SUMMARY_MAX);
  });
});

describe('extractArticle on odd and hostile input', () => {
  it('handles an empty page', () => {
    const article = extractArticle({ id: 'open_closed_performance_gap', raw: '', html: '', modified: 0 });
    expect(article).toEqual({
      id: 'open_closed_performance_gap',
      title: 'Open closed performance gap',
      html: '',
      text: '',
      summary: '',
      boldTerms: [],
      links: [],
      tags: [],
      modified: 0,
    });
  });

  it('says which page it cannot read when given something that is not text', () => {
    const page = { id: 'x', raw: undefined as unknown as string, html: '', modified: 0 };
    expect(() => extractArticle(page)).toThrow(new TypeError('Cannot read wiki page "x": its raw is undefined, not text'));
  });

  it('reads a whole exported document as its body', () => {
    const article = extract('<!DOCTYPE html><html><head><title>x · Wiki</title><style>p{}</style></head><body><p>Body text.</p></body></html>');
    expect(article.text).toBe('Body text.');
    expect(article.title).toBe('Page');
  });

  it('takes the title from the HTML when the source has no heading', () => {
    expect(extract('<h2 id="x">From <em>HTML</em></h2><p>text</p>').title).toBe('From HTML');
    expect(titleFromId('papers:react_reasoning_acting')).toBe('React reasoning acting');
  });

  it('opens a page without paragraphs with its first list item', () => {
    const article = extract('<h1>T</h1><ul><li class="level1"><div class="li"> <strong>X</strong> is a thing.</div></li></ul>');
    expect(article.summary).toBe('X is a thing.');
    expect(article.boldTerms).toEqual(['X']);
  });

  it('skips paragraphs that hold only a footnote marker or whitespace', () => {
    const article = extract('<p> <sup><a href="#fn__1" id="fnt__1" class="fn_top">1)</a></sup> </p><p>\n</p><p>Real text.</p>');
    expect(article.summary).toBe('Real text.');
  });

  it('does not read scripts and styles as text', () => {
    const article = extract('<p><script>steal()</script><style>p{}</style>Visible.</p>');
    expect(article.summary).toBe('Visible.');
    expect(article.text).toBe('Visible.');
    // Not sanitized here: the reader's sanitizer decides what to render.
    expect(article.html).toContain('<script>');
  });

  it('survives broken HTML and entities', () => {
    const article = extract('<p><strong>Bold <em>never closed &bogus; &#xZZ; &amp; <a href="/doku.php?id=x" class="wikilink1">x');
    expect(article.summary).toBe('Bold never closed &bogus; &#xZZ; & x');
    expect(article.links).toEqual(['x']);
    expect(article.boldTerms).toEqual(['Bold never closed &bogus; &#xZZ; & x']);
  });

  it('flattens nesting 100,000 deep instead of overflowing the stack', () => {
    const depth = 100_000;
    const html = `${'<div>'.repeat(depth)}<p>Deep <strong>term</strong>.</p>${'</div>'.repeat(depth)}`;
    const article = extract(html);
    expect(article.summary).toBe('Deep term.');
    expect(article.boldTerms).toEqual(['term']);
    expect(article.html).toContain('<p>Deep <strong>term</strong>.</p>');

    const bold = extract(`<p>${'<strong>'.repeat(depth)}heavy${'</strong>'.repeat(depth)}</p>`);
    expect(bold.summary).toBe('heavy');
    expect(bold.text).toBe('heavy');
  });

  it('reads a million comments and tags in linear time', () => {
    const html = `<p>Start.</p>${'<!-- EDIT -->'.repeat(1_000_000)}<p>End.</p>`;
    const article = extract(html, '{{tag>'.repeat(200_000));
    expect(article.html).toBe('<p>Start.</p><p>End.</p>');
    expect(article.tags).toEqual([]);
  }, 30_000);

  it('reads a 5 MB page', () => {
    const section = '<h2>Part</h2><div class="level2"><p>The <strong>term</strong> is <a href="/doku.php?id=other" class="wikilink1" data-wiki-id="other">linked</a> here.</p></div>';
    const sections = Math.ceil(5_000_000 / section.length);
    const html = `<h1>Big</h1><div class="level1"><p><strong>Big</strong> is large.</p></div>${section.repeat(sections)}`;
    const raw = `====== Big ======\n${'Some text with **term** and [[other|linked]].\n\n'.repeat(100_000)}`;
    const article = extract(html, raw);
    expect(article.title).toBe('Big');
    expect(article.summary).toBe('Big is large.');
    expect(article.links).toEqual(['other']);
    expect(article.text.split('\n').filter((line) => line === 'The term is linked here.')).toHaveLength(sections);
  }, 60_000);
});

describe('extractArticle: stray tag text at the top of a page', () => {
  it('removes the line the macro printed, not the same words in the article', () => {
    const raw = '{{tag>agents}}\n====== Agents ======\nMany agents act.\n';
    // As DokuWiki 2022-07-31 renders it without the tag plugin.
    const body = '\n<h1 class="sectionedit1" id="agents">Agents</h1>\n<div class="level1">\n\n<p>\nMany agents act.\n</p>\n\n</div>\n';
    const article = extract(`\n<p>\nagents\n</p>\n${body}`, raw);
    expect(article.tags).toEqual(['agents']);
    expect(article.summary).toBe('Many agents act.');
    expect(article.html).toBe(`\n\n${body}`);
  });
});
