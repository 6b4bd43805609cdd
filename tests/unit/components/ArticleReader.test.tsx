// @vitest-environment jsdom
// The reader is tested with the real sanitizer, which needs jsdom (DOMPurify under happy-dom is unsafe).
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArticleReader } from '../../../components/ArticleReader';
import type { ArticleView } from '../../../lib/protocol';
import { sanitizeArticleHtml } from '../../../services/sanitize/article-html';

afterEach(cleanup);

const sanitize = (html: string) => sanitizeArticleHtml(html, { wikiUrl: 'https://agentwiki.org/' });

const VIEW: ArticleView = {
  id: 'open_closed_performance_gap',
  title: 'Open-Closed Model Performance Gap',
  html: `<h1 class="sectionedit1" id="open-closed_model_performance_gap">Open-Closed Model Performance Gap</h1>
    <div class="level1"><p>The <strong>open-closed model performance gap</strong> shrinks as
    <a href="/doku.php?id=metagpt" class="wikilink1" data-wiki-id="metagpt">MetaGPT</a>-style agents improve<sup><a href="#fn__1" id="fnt__1" class="fn_top">1)</a></sup>.
    See <a href="https://arxiv.org/abs/2308.00352" class="urlextern">the paper</a>.<img src=x onerror="alert(1)"></p>
    <script>alert(1)</script></div>
    <h2 id="dimensions">Dimensions</h2>
    <div class="footnotes"><div class="fn"><sup><a href="#fnt__1" id="fn__1" class="fn_bot">1)</a></sup> A footnote.</div></div>`,
  tags: ['models', 'benchmarks'],
  modified: Date.UTC(2026, 10, 27),
  wikiPageUrl: 'https://agentwiki.org/doku.php?id=open_closed_performance_gap',
};

describe('ArticleReader', () => {
  it('is an article landmark whose first heading is the title at level 1, shown once', () => {
    render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={() => {}} />);
    const article = screen.getByRole('article', { name: 'Open-Closed Model Performance Gap' });
    const headings = [...article.querySelectorAll('h1, h2, h3')];
    expect(headings[0]!.tagName).toBe('H1');
    expect(headings[0]!.textContent).toBe('Open-Closed Model Performance Gap');
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
    expect(screen.getByRole('heading', { level: 2, name: 'Dimensions' })).toBeTruthy();
  });

  it('shows the sanitized body: no script, no handler', () => {
    const { container } = render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={() => {}} />);
    expect(container.querySelector('script, [onerror]')).toBeNull();
    expect(container.querySelector('strong')?.textContent).toBe('open-closed model performance gap');
  });

  it('opens wiki links in the reader and external links in a new tab', () => {
    const onNavigate = vi.fn();
    render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={onNavigate} />);
    const internal = screen.getByRole('link', { name: 'MetaGPT' });
    expect(internal.getAttribute('data-wiki-id')).toBe('metagpt');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    internal.dispatchEvent(click);
    expect(onNavigate).toHaveBeenCalledWith('metagpt');
    expect(click.defaultPrevented).toBe(true);
    const external = screen.getByRole('link', { name: 'the paper' });
    expect(external.getAttribute('target')).toBe('_blank');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('leaves a wiki link clicked with a modifier to the browser', () => {
    const onNavigate = vi.fn();
    render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={onNavigate} />);
    fireEvent.click(screen.getByRole('link', { name: 'MetaGPT' }), { ctrlKey: true });
    expect(onNavigate).not.toHaveBeenCalled();
  });

  it('follows footnote links inside the article', () => {
    render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={() => {}} />);
    const link = screen.getAllByRole('link', { name: '1)' })[0]!;
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(document.activeElement?.id).toBe('user-content-fn__1');
  });

  it('links to the page on the wiki and lists the tags', () => {
    render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={() => {}} />);
    const onWiki = screen.getByRole('link', { name: 'Open on wiki' });
    expect(onWiki.getAttribute('href')).toBe(VIEW.wikiPageUrl);
    expect(onWiki.getAttribute('target')).toBe('_blank');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['models', 'benchmarks']);
  });

  it('keeps a body heading that differs from the title', () => {
    render(<ArticleReader article={{ ...VIEW, html: '<h1>Another Heading</h1><p>x</p>' }} sanitize={sanitize} onNavigate={() => {}} />);
    expect(screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent)).toEqual([
      'Open-Closed Model Performance Gap',
      'Another Heading',
    ]);
  });

  it('replaces the body when the article changes', () => {
    const { rerender } = render(<ArticleReader article={VIEW} sanitize={sanitize} onNavigate={() => {}} />);
    rerender(<ArticleReader article={{ ...VIEW, id: 'b', title: 'B', html: '<p>Second body</p>', tags: [] }} sanitize={sanitize} onNavigate={() => {}} />);
    expect(screen.getByRole('article', { name: 'B' }).textContent).toContain('Second body');
    expect(screen.queryByRole('link', { name: 'MetaGPT' })).toBeNull();
  });
});
