import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OnThisPage } from '../../../components/OnThisPage';

afterEach(cleanup);

const hrefFor = (id: string) => `sidepanel.html?id=${encodeURIComponent(id)}`;

describe('OnThisPage', () => {
  it('lists the page’s terms under "On this page", most frequent first, as links', () => {
    const onOpen = vi.fn();
    render(
      <OnThisPage
        page={{
          state: 'ready',
          terms: [
            { id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', text: 'MetaGPT', count: 1 },
            { id: 'open_closed_performance_gap', title: 'Open-Closed Model Performance Gap', text: 'open-closed gap', count: 3 },
          ],
        }}
        hrefFor={hrefFor}
        onOpen={onOpen}
      />,
    );
    expect(screen.getByRole('heading', { level: 2, name: 'On this page' })).toBeTruthy();
    const links = screen.getAllByRole('link');
    expect(links.map((l) => l.textContent)).toEqual(['Open-Closed Model Performance Gap', 'MetaGPT: Multi-Agent Framework with SOPs']);
    expect(links[1]!.getAttribute('href')).toBe('sidepanel.html?id=metagpt');
    expect(screen.getByText('“open-closed gap” ×3')).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: /MetaGPT/ }));
    expect(onOpen).toHaveBeenCalledWith('metagpt');
  });

  it('leaves a modified click to the browser', () => {
    const onOpen = vi.fn();
    render(<OnThisPage page={{ state: 'ready', terms: [{ id: 'x', title: 'X', text: 'X', count: 1 }] }} hrefFor={hrefFor} onOpen={onOpen} />);
    fireEvent.click(screen.getByRole('link', { name: 'X' }), { ctrlKey: true });
    expect(onOpen).not.toHaveBeenCalled();
  });

  it('says why a page cannot be read, and when it has no term', () => {
    const { rerender } = render(
      <OnThisPage page={{ state: 'unavailable', reason: 'The browser does not let extensions read this page.' }} hrefFor={hrefFor} onOpen={() => {}} />,
    );
    expect(screen.getByText('The browser does not let extensions read this page.')).toBeTruthy();
    rerender(<OnThisPage page={{ state: 'ready', terms: [] }} hrefFor={hrefFor} onOpen={() => {}} />);
    expect(screen.getByText('No term of the knowledge base was found on this page.')).toBeTruthy();
    rerender(<OnThisPage page={{ state: 'loading' }} hrefFor={hrefFor} onOpen={() => {}} />);
    expect(screen.getByText('Looking for terms on the page…')).toBeTruthy();
  });

  it('offers a refresh when given one', () => {
    const onRefresh = vi.fn();
    render(<OnThisPage page={{ state: 'loading' }} hrefFor={hrefFor} onOpen={() => {}} onRefresh={onRefresh} />);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalled();
  });
});
