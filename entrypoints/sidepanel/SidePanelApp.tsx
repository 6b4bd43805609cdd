/**
 * The side panel: an article (at `sidepanel.html?id=PAGE_ID`) or, without
 * an id, the terms of the active tab under "On this page"; a search box
 * above either. Links between articles navigate inside the panel: each step
 * is a history entry (pushState keeps `?id=` in the address, so a reload or
 * a copied address shows the same article), and Back walks the panel's own
 * steps back.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ArticleReader } from '../../components/ArticleReader';
import { OnThisPage, type PageTermsState } from '../../components/OnThisPage';
import { SearchPanel } from '../../components/SearchPanel';
import type { ArticleView, SearchHit } from '../../lib/protocol';
import { wikiPageUrl } from '../../lib/wiki/urls';
import { readerPath } from '../../services/reader-panel';
import { errorMessage } from '../../lib/result';

export interface SidePanelServices {
  getArticle(id: string): Promise<ArticleView | null>;
  search(query: string): Promise<SearchHit[]>;
  /** Sanitizes article HTML; `wikiUrl` resolves its relative links. */
  sanitize(html: string, wikiUrl: string): DocumentFragment;
  pageTerms(): Promise<PageTermsState>;
  watchActiveTab(onChange: () => void): () => void;
  /** The configured wiki's base URL. */
  wikiUrl(): Promise<string>;
}

type Reading =
  | { state: 'none' }
  | { state: 'loading'; id: string }
  | { state: 'ready'; article: ArticleView }
  | { state: 'missing'; id: string }
  | { state: 'failed'; id: string; error: string };

interface Step {
  id: string | null;
  /** How many steps inside the panel led here: Back shows while it is above 0. */
  depth: number;
}

export function idFromLocation(search: string): string | null {
  const id = new URLSearchParams(search).get('id')?.trim();
  return id ? id : null;
}

export function readerHref(id: string | null): string {
  return id ? readerPath(id) : 'sidepanel.html';
}

/** The wiki's base URL from an article's address on it ("…/doku.php?id=x" -> "…/"). */
function wikiBase(pageUrl: string): string {
  try {
    return new URL('./', pageUrl).href;
  } catch {
    return '';
  }
}

export function SidePanelApp({ services }: { services: SidePanelServices }) {
  const [step, setStep] = useState<Step>(() => {
    const state = history.state as Partial<Step> | null;
    return { id: idFromLocation(location.search), depth: typeof state?.depth === 'number' ? state.depth : 0 };
  });
  const [reading, setReading] = useState<Reading>({ state: 'none' });
  const [retry, setRetry] = useState(0);
  const moved = useRef(false);

  // Once: later steps come from navigate() and popstate.
  useEffect(() => {
    history.replaceState({ id: step.id, depth: step.depth } satisfies Step, '');
    const onPop = (event: PopStateEvent) => {
      const state = event.state as Partial<Step> | null;
      moved.current = true;
      setStep({ id: idFromLocation(location.search), depth: typeof state?.depth === 'number' ? state.depth : 0 });
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    const id = step.id;
    if (!id) {
      setReading({ state: 'none' });
      document.title = 'AgentWiki Companion';
      return;
    }
    let current = true;
    setReading({ state: 'loading', id });
    services.getArticle(id).then(
      (article) => {
        if (!current) return;
        setReading(article ? { state: 'ready', article } : { state: 'missing', id });
        document.title = `${article ? article.title : 'Not found'} · AgentWiki Companion`;
      },
      (thrown: unknown) => {
        if (current) setReading({ state: 'failed', id, error: errorMessage(thrown) });
      },
    );
    return () => {
      current = false;
    };
  }, [step.id, retry, services]);

  // After moving to another article, start reading at its title.
  useEffect(() => {
    if (reading.state !== 'ready' || !moved.current) return;
    moved.current = false;
    window.scrollTo?.(0, 0);
    const title = document.querySelector<HTMLElement>('.reader-title');
    if (title) {
      title.setAttribute('tabindex', '-1');
      title.focus({ preventScroll: true });
    }
  }, [reading]);

  const stepRef = useRef(step);
  stepRef.current = step;
  const navigate = useCallback((id: string | null) => {
    const from = stepRef.current;
    if (from.id === id) return;
    const next: Step = { id, depth: from.depth + 1 };
    history.pushState(next, '', readerHref(id));
    moved.current = true;
    setStep(next);
  }, []);

  const sanitize = useMemo(() => {
    const base = reading.state === 'ready' ? wikiBase(reading.article.wikiPageUrl) : '';
    return (html: string) => services.sanitize(html, base);
  }, [reading, services]);

  return (
    <div class="panel">
      <header class="panel-bar">
        {step.depth > 0 && (
          <button type="button" class="button-quiet back-button" onClick={() => history.back()}>
            <span aria-hidden="true">← </span>Back
          </button>
        )}
        <SearchPanel
          search={services.search}
          onChoose={(hit) => navigate(hit.id)}
          autoFocus={step.id === null || reading.state === 'missing'}
          clearOnChoose
        />
      </header>
      <main class="panel-main">
        {step.id === null && <PageTerms services={services} onOpen={navigate} />}
        {reading.state === 'loading' && (
          <p class="muted" aria-busy="true">
            Opening the article…
          </p>
        )}
        {reading.state === 'ready' && <ArticleReader article={reading.article} sanitize={sanitize} onNavigate={navigate} />}
        {reading.state === 'missing' && <MissingArticle id={reading.id} wikiUrl={services.wikiUrl} />}
        {reading.state === 'failed' && (
          <div class="notice is-error" role="alert">
            <p>The article could not be opened: {reading.error}</p>
            <button type="button" class="button" onClick={() => setRetry((n) => n + 1)}>
              Try again
            </button>
          </div>
        )}
      </main>
    </div>
  );
}

function PageTerms({ services, onOpen }: { services: SidePanelServices; onOpen: (id: string) => void }) {
  const [page, setPage] = useState<PageTermsState>({ state: 'loading' });
  const asked = useRef(0);
  const refresh = useCallback(() => {
    const ticket = ++asked.current;
    services.pageTerms().then(
      (next) => ticket === asked.current && setPage(next),
      (thrown: unknown) =>
        ticket === asked.current &&
        setPage({ state: 'unavailable', reason: `The page’s terms could not be read: ${errorMessage(thrown)}` }),
    );
  }, [services]);

  useEffect(() => {
    refresh();
    return services.watchActiveTab(refresh);
  }, [refresh, services]);

  return (
    <>
      <p class="panel-intro">Search the knowledge base above, or read about the terms marked on this page.</p>
      <OnThisPage page={page} hrefFor={readerHref} onOpen={onOpen} onRefresh={refresh} />
    </>
  );
}

function MissingArticle({ id, wikiUrl }: { id: string; wikiUrl: () => Promise<string> }) {
  const [onWiki, setOnWiki] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    wikiUrl().then(
      (base) => current && setOnWiki(wikiPageUrl(base, id)),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [id, wikiUrl]);
  return (
    <section class="missing" aria-labelledby="missing-title">
      <h1 id="missing-title">Not in the knowledge base</h1>
      <p>
        There is no cached article “{id}”. The wiki may not have this page yet, or it was written after the last sync.
        Search for the topic above, or look on the wiki.
      </p>
      {onWiki && (
        <p>
          <a href={onWiki} target="_blank" rel="noopener noreferrer">
            Look for it on the wiki
          </a>
        </p>
      )}
    </section>
  );
}
