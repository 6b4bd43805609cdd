/**
 * The search field and its results, as the popup and the side panel show
 * them. Results come as you type: each keystroke waits DEBOUNCE_MS for the
 * next one, and a reply to an older query than the latest is dropped, so a
 * slow answer never overwrites a newer one. The field is a searchbox that
 * points at the active option with aria-activedescendant (the listbox
 * pattern of the WAI-ARIA practices), so focus stays in the field while the
 * arrow keys move through the results.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SearchHit } from '../lib/protocol';
import { errorMessage } from '../lib/result';

/** Quick enough to feel instant, long enough to skip the middle of a fast-typed word. */
export const DEBOUNCE_MS = 60;

export interface SearchPanelProps {
  /** Runs a query; '' asks for the suggestions shown before anything is typed. */
  search: (query: string) => Promise<SearchHit[]>;
  /** The user chose a result (click, or Enter on the active or first result). */
  onChoose: (hit: SearchHit) => void;
  /** Heading of the suggestions for the empty query; without it nothing shows until typing starts. */
  suggestionsLabel?: string;
  autoFocus?: boolean;
  /** Empties the field once a result is chosen (the side panel, which stays open). */
  clearOnChoose?: boolean;
  debounceMs?: number;
}

type Results =
  | { state: 'idle' }
  | { state: 'ready'; query: string; hits: SearchHit[] }
  | { state: 'failed'; query: string; error: string };

export function SearchPanel({
  search,
  onChoose: chosen,
  suggestionsLabel,
  autoFocus = false,
  clearOnChoose = false,
  debounceMs = DEBOUNCE_MS,
}: SearchPanelProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results>({ state: 'idle' });
  const [active, setActive] = useState(-1);
  const latest = useRef(0);
  const chooseWhenReady = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const searchRef = useRef(search);
  searchRef.current = search;
  const onChoose = (hit: SearchHit) => {
    if (clearOnChoose) setQuery('');
    chosen(hit);
  };
  const chooseRef = useRef(onChoose);
  chooseRef.current = onChoose;

  const wantsSuggestions = suggestionsLabel !== undefined;
  const trimmed = query.trim();

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  // A layout effect: it runs as soon as the panel is rendered, where an
  // effect would wait until the first frame had been painted, so that a list
  // read by then (the popup starts reading as its script starts) is in that
  // first frame rather than the next.
  useLayoutEffect(() => {
    const ticket = ++latest.current;
    if (!trimmed && !wantsSuggestions) {
      setResults({ state: 'idle' });
      setActive(-1);
      return;
    }
    const run = () => {
      searchRef.current(trimmed).then(
        (hits) => {
          if (ticket !== latest.current) return;
          setResults({ state: 'ready', query: trimmed, hits });
          setActive(-1);
          if (chooseWhenReady.current) {
            chooseWhenReady.current = false;
            if (trimmed && hits[0]) chooseRef.current(hits[0]);
          }
        },
        (thrown: unknown) => {
          if (ticket !== latest.current) return;
          chooseWhenReady.current = false;
          setResults({ state: 'failed', query: trimmed, error: errorMessage(thrown) });
        },
      );
    };
    // The suggestions for an empty field are asked for at once: nothing is being typed.
    if (!trimmed) {
      run();
      return;
    }
    const timer = setTimeout(run, debounceMs);
    return () => clearTimeout(timer);
  }, [trimmed, wantsSuggestions, debounceMs]);

  const listId = `${id}-results`;
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    if (active >= 0) document.getElementById(optionId(active))?.scrollIntoView?.({ block: 'nearest' });
    // optionId depends on id alone.
  }, [active, id]);

  const hits = results.state === 'ready' ? results.hits : [];
  const current = results.state !== 'idle' && results.query === trimmed;
  const showingSuggestions = !trimmed && wantsSuggestions && hits.length > 0;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (hits.length === 0) return;
      event.preventDefault();
      const count = hits.length;
      // Wraps around: down from the last result goes to the first, up from the first to the last.
      setActive((at) => (event.key === 'ArrowDown' ? (at + 1) % count : at <= 0 ? count - 1 : at - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!current) {
        // Enter before the answer to the last keystroke: choose its best hit when it comes.
        chooseWhenReady.current = Boolean(trimmed);
        return;
      }
      const hit = hits[active] ?? (trimmed ? hits[0] : undefined);
      if (hit) onChoose(hit);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      setQuery('');
    }
  };

  const announcement =
    !trimmed || !current
      ? ''
      : results.state === 'failed'
        ? 'Search failed.'
        : hits.length === 0
          ? 'No results.'
          : `${hits.length} ${hits.length === 1 ? 'result' : 'results'}.`;

  return (
    <div class="search-panel">
      <input
        ref={input}
        type="search"
        role="searchbox"
        class="search-input"
        aria-label="Search the knowledge base"
        placeholder="Search the knowledge base"
        autoComplete="off"
        spellcheck={false}
        value={query}
        aria-controls={listId}
        aria-activedescendant={active >= 0 && hits[active] ? optionId(active) : undefined}
        onInput={(event) => setQuery((event.currentTarget as HTMLInputElement).value)}
        onKeyDown={onKeyDown}
      />
      {showingSuggestions && (
        <h2 class="search-suggestions" id={`${id}-suggestions`}>
          {suggestionsLabel}
        </h2>
      )}
      <ul
        id={listId}
        role="listbox"
        class="search-results"
        aria-label={showingSuggestions ? suggestionsLabel : 'Search results'}
        hidden={hits.length === 0}
      >
        {hits.map((hit, index) => (
          <li
            key={hit.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            class={index === active ? 'search-result is-active' : 'search-result'}
            onMouseMove={() => index !== active && setActive(index)}
            onMouseDown={(event) => event.preventDefault() /* keep focus in the field */}
            onClick={() => onChoose(hit)}
          >
            <span class="search-result-title">{hit.title}</span>
            {hit.snippet && <span class="search-result-snippet">{hit.snippet}</span>}
          </li>
        ))}
      </ul>
      {trimmed && current && results.state === 'ready' && hits.length === 0 && (
        <p class="search-empty">No articles match “{trimmed}”.</p>
      )}
      {current && results.state === 'failed' && (
        <p class="search-error" role="alert">
          Search is not available right now: {results.error}
        </p>
      )}
      <div class="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}
