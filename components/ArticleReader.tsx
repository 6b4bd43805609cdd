/**
 * One article for reading: an `article` landmark whose first heading is the
 * title (level 1), the body, its tags, and a link to the page on the wiki.
 *
 * The body is the wiki's HTML after sanitizing, which the page does (the
 * `sanitize` prop) because components import nothing but lib/. It is put in
 * place as DOM nodes, never as an HTML string. DokuWiki's own first heading
 * repeats the title, so it is dropped when it says the same. Links to wiki
 * pages (marked `data-wiki-id` by the sanitizer) open in the reader through
 * `onNavigate`; with a modifier key or a middle click they keep their wiki
 * href and open in a new tab like any link.
 */
import { useEffect, useId, useMemo, useRef } from 'preact/hooks';
import type { ArticleView } from '../lib/protocol';
import { comparable } from '../lib/search/terms';

export interface ArticleReaderProps {
  article: ArticleView;
  /** Turns the untrusted article HTML into safe DOM (sanitizeArticleHtml). */
  sanitize: (html: string) => DocumentFragment;
  /** A link to another wiki page was followed. */
  onNavigate: (id: string) => void;
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

/** Removes the body's first heading when it only repeats the title. */
export function dropRepeatedTitle(body: DocumentFragment, title: string): void {
  const first = body.querySelector('h1, h2, h3, h4, h5, h6');
  if (first && comparable(first.textContent ?? '') === comparable(title)) first.remove();
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

export function ArticleReader({ article, sanitize, onNavigate }: ArticleReaderProps) {
  const titleId = useId();
  const bodyRef = useRef<HTMLDivElement>(null);
  const body = useMemo(() => {
    const fragment = sanitize(article.html);
    dropRepeatedTitle(fragment, article.title);
    return fragment;
  }, [article.html, article.title, sanitize]);

  useEffect(() => {
    // A fragment empties as it is inserted: insert a copy so a re-render can insert again.
    bodyRef.current?.replaceChildren(body.cloneNode(true));
  }, [body]);

  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || !bodyRef.current?.contains(link)) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const wikiId = link.getAttribute('data-wiki-id');
    if (wikiId) {
      event.preventDefault();
      onNavigate(wikiId);
      return;
    }
    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) {
      // Footnotes and section links: scroll within the article, leave the URL alone.
      event.preventDefault();
      const target = document.getElementById(decodeFragment(href.slice(1)));
      if (target instanceof HTMLElement && bodyRef.current.contains(target)) {
        target.scrollIntoView?.({ block: 'start' });
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: true });
      }
    }
  };

  return (
    <article class="reader" aria-labelledby={titleId}>
      <header class="reader-header">
        <h1 id={titleId} class="reader-title">
          {article.title}
        </h1>
        <p class="reader-meta">
          <a href={article.wikiPageUrl} target="_blank" rel="noopener noreferrer">
            Open on wiki
          </a>
          {article.modified > 0 && (
            <>
              <span aria-hidden="true"> · </span>
              <span>
                Updated <time dateTime={new Date(article.modified).toISOString()}>{dateFormat.format(article.modified)}</time>
              </span>
            </>
          )}
        </p>
      </header>
      <div class="reader-body" ref={bodyRef} onClick={onClick} />
      {article.tags.length > 0 && (
        <footer class="reader-footer">
          <h2 class="visually-hidden">Tags</h2>
          <ul class="tag-list">
            {article.tags.map((tag) => (
              <li key={tag} class="tag">
                {tag}
              </li>
            ))}
          </ul>
        </footer>
      )}
    </article>
  );
}
