// @vitest-environment jsdom
// The panel renders articles through the real sanitizer, which needs jsdom.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageTermsState } from '../../../../components/OnThisPage';
import { idFromLocation, readerHref, SidePanelApp, type SidePanelServices } from '../../../../entrypoints/sidepanel/SidePanelApp';
import type { ArticleView } from '../../../../lib/protocol';
import { sanitizeArticleHtml } from '../../../../services/sanitize/article-html';

const WIKI = 'https://agentwiki.org/';

const view = (id: string, title: string, html: string): ArticleView => ({
  id,
  title,
  html,
  tags: [],
  modified: 0,
  wikiPageUrl: `${WIKI}doku.php?id=${id}`,
});

const ARTICLES: Record<string, ArticleView> = {
  open_closed_performance_gap: view(
    'open_closed_performance_gap',
    'Open-Closed Model Performance Gap',
    '<h1>Open-Closed Model Performance Gap</h1><p>Agents such as <a href="/doku.php?id=metagpt" class="wikilink1" data-wiki-id="metagpt">MetaGPT</a> and <a href="/doku.php?id=gone" class="wikilink2" data-wiki-id="gone">gone</a>.</p>',
  ),
  metagpt: view('metagpt', 'MetaGPT: Multi-Agent Framework with SOPs', '<h1>MetaGPT: Multi-Agent Framework with SOPs</h1><p>Roles.</p>'),
};

function fakeServices(page: PageTermsState = { state: 'ready', terms: [] }) {
  let onTabChange: (() => void) | null = null;
  const services = {
    getArticle: vi.fn(async (id: string) => ARTICLES[id] ?? null),
    search: vi.fn(async () => [{ id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', snippet: 'Roles.' }]),
    sanitize: (html: string, wikiUrl: string) => sanitizeArticleHtml(html, { wikiUrl }),
    pageTerms: vi.fn(async () => page),
    watchActiveTab: vi.fn((onChange: () => void) => {
      onTabChange = onChange;
      return () => {
        onTabChange = null;
      };
    }),
    wikiUrl: async () => WIKI,
  } satisfies SidePanelServices;
  return { services, tabChanged: () => onTabChange?.() };
}

const heading1 = () => screen.getAllByRole('heading', { level: 1 })[0]?.textContent;

beforeEach(() => {
  history.replaceState(null, '', '/sidepanel.html');
});
afterEach(cleanup);

describe('SidePanelApp with an article id', () => {
  it('shows the article as an article landmark with the title as its first heading', async () => {
    history.replaceState(null, '', '/sidepanel.html?id=open_closed_performance_gap');
    render(<SidePanelApp services={fakeServices().services} />);
    const article = await screen.findByRole('article', { name: 'Open-Closed Model Performance Gap' });
    expect(article.querySelector('h1')?.textContent).toBe('Open-Closed Model Performance Gap');
    expect(screen.queryByRole('button', { name: 'Back' })).toBeNull();
  });

  it('follows wiki links inside the panel, keeps ?id= in the address, and goes Back', async () => {
    history.replaceState(null, '', '/sidepanel.html?id=open_closed_performance_gap');
    render(<SidePanelApp services={fakeServices().services} />);
    fireEvent.click(await screen.findByRole('link', { name: 'MetaGPT' }));
    await waitFor(() => expect(heading1()).toBe('MetaGPT: Multi-Agent Framework with SOPs'));
    expect(location.search).toBe('?id=metagpt');
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(heading1()).toBe('Open-Closed Model Performance Gap'));
    expect(location.search).toBe('?id=open_closed_performance_gap');
    expect(screen.queryByRole('button', { name: 'Back' })).toBeNull();
  });

  it('explains a missing article, links to the wiki and puts the search box first', async () => {
    history.replaceState(null, '', '/sidepanel.html?id=open_closed_performance_gap');
    render(<SidePanelApp services={fakeServices().services} />);
    fireEvent.click(await screen.findByRole('link', { name: 'gone' }));
    expect(await screen.findByRole('heading', { name: 'Not in the knowledge base' })).toBeTruthy();
    expect(screen.getByText(/There is no cached article “gone”/)).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'Look for it on the wiki' })).getAttribute('href')).toBe(`${WIKI}doku.php?id=gone`);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search the knowledge base' })));
  });

  it('opens a search result in the panel', async () => {
    history.replaceState(null, '', '/sidepanel.html?id=open_closed_performance_gap');
    render(<SidePanelApp services={fakeServices().services} />);
    await screen.findByRole('article');
    fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'meta' } });
    fireEvent.click(await screen.findByRole('option', { name: /MetaGPT/ }));
    await waitFor(() => expect(heading1()).toBe('MetaGPT: Multi-Agent Framework with SOPs'));
    expect((screen.getByRole('searchbox') as HTMLInputElement).value).toBe('');
  });

  it('says so when the article cannot be read, and tries again', async () => {
    history.replaceState(null, '', '/sidepanel.html?id=metagpt');
    const { services } = fakeServices();
    services.getArticle.mockRejectedValueOnce(new Error('No answer to "article:get".'));
    render(<SidePanelApp services={services} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not be opened: No answer to "article:get"\./);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('article', { name: 'MetaGPT: Multi-Agent Framework with SOPs' })).toBeTruthy();
  });
});

describe('SidePanelApp without an id', () => {
  it('lists the active tab’s terms under "On this page" and opens one in the panel', async () => {
    const { services } = fakeServices({ state: 'ready', terms: [{ id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', text: 'MetaGPT', count: 2 }] });
    render(<SidePanelApp services={services} />);
    expect(screen.getByRole('heading', { name: 'On this page' })).toBeTruthy();
    const link = await screen.findByRole('link', { name: /MetaGPT/ });
    expect(link.getAttribute('href')).toBe('sidepanel.html?id=metagpt');
    fireEvent.click(link);
    await waitFor(() => expect(heading1()).toBe('MetaGPT: Multi-Agent Framework with SOPs'));
    expect(location.search).toBe('?id=metagpt');
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: 'On this page' })).toBeTruthy();
  });

  it('asks again when the active tab changes, and says why a page cannot be read', async () => {
    const { services, tabChanged } = fakeServices();
    services.pageTerms.mockResolvedValueOnce({ state: 'ready', terms: [] });
    services.pageTerms.mockResolvedValueOnce({ state: 'unavailable', reason: 'This is a page of the browser itself.' });
    render(<SidePanelApp services={services} />);
    expect(await screen.findByText('No term of the knowledge base was found on this page.')).toBeTruthy();
    tabChanged();
    expect(await screen.findByText('This is a page of the browser itself.')).toBeTruthy();
    expect(services.pageTerms).toHaveBeenCalledTimes(2);
  });
});

describe('addresses', () => {
  it('reads and writes the reader address', () => {
    expect(idFromLocation('?id=papers%3Areact_reasoning_acting')).toBe('papers:react_reasoning_acting');
    expect(idFromLocation('?id=')).toBeNull();
    expect(idFromLocation('')).toBeNull();
    expect(readerHref('papers:react')).toBe('sidepanel.html?id=papers%3Areact');
    expect(readerHref(null)).toBe('sidepanel.html');
  });
});
