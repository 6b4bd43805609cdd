/**
 * The terms found on the active tab, under the heading "On this page": one
 * link per article, with the words as they stand on the page and how often.
 * When the page cannot be read (a browser page, the extension store, a tab
 * opened before the extension) the section says so instead.
 */
import { useId } from 'preact/hooks';
import type { PageTerm } from '../lib/protocol';

export type PageTermsState =
  | { state: 'loading' }
  | { state: 'ready'; terms: PageTerm[] }
  /** The page cannot be read; `reason` says why, in a sentence. */
  | { state: 'unavailable'; reason: string };

export interface OnThisPageProps {
  page: PageTermsState;
  /** The reader's address for an article, for the link's href (new tab, copy link). */
  hrefFor: (id: string) => string;
  onOpen: (id: string) => void;
  onRefresh?: () => void;
}

const count = new Intl.NumberFormat('en');

export function OnThisPage({ page, hrefFor, onOpen, onRefresh }: OnThisPageProps) {
  const headingId = useId();
  return (
    <section class="on-this-page" aria-labelledby={headingId}>
      <div class="section-heading">
        <h2 id={headingId}>On this page</h2>
        {onRefresh && (
          <button type="button" class="button-quiet" onClick={onRefresh}>
            Refresh
          </button>
        )}
      </div>
      {page.state === 'loading' && <p class="muted">Looking for terms on the page…</p>}
      {page.state === 'unavailable' && <p class="muted">{page.reason}</p>}
      {page.state === 'ready' && page.terms.length === 0 && (
        <p class="muted">No term of the knowledge base was found on this page.</p>
      )}
      {page.state === 'ready' && page.terms.length > 0 && (
        <ul class="term-list">
          {[...page.terms]
            .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title))
            .map((term) => (
              <li key={term.id}>
                <a
                  href={hrefFor(term.id)}
                  onClick={(event) => {
                    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
                    event.preventDefault();
                    onOpen(term.id);
                  }}
                >
                  {term.title}
                </a>
                <span class="term-on-page">
                  {term.text !== term.title && <>“{term.text}”</>}
                  {term.count > 1 && <> ×{count.format(term.count)}</>}
                </span>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}
