/**
 * The options: which wiki, how often to sync, where to mark terms, the
 * cache's state with "Sync now", and the storage it takes. Everything it
 * changes goes out through its callbacks; the options page saves settings
 * and asks the browser for permissions.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { normalizeWikiUrl, SYNC_INTERVAL_CHOICES, type Settings } from '../lib/settings/settings';
import { isSyncing, type SyncStatus } from '../lib/sync/status';
import { SyncStatusView } from './SyncStatusView';
import { TermOptions } from './TermOptions';
import { WikiAccessOptions } from './WikiAccessOptions';
import { errorMessage } from '../lib/result';

export interface StorageUse {
  /** Bytes used by the extension's storage. */
  usage: number;
}

export interface OptionsFormProps {
  settings: Settings;
  status: SyncStatus | null;
  storage: StorageUse | null;
  /**
   * Saves a new wiki URL (already normalised). It is called synchronously
   * from the submit event, so it may ask the browser for host permission,
   * which needs the user's gesture. Resolves to null once saved, or to a
   * sentence saying why the URL was not saved.
   */
  onSaveWikiUrl: (url: string) => Promise<string | null>;
  onSaveSettings: (settings: Settings) => Promise<void>;
  onSyncNow: () => Promise<void>;
  /** The title of the cached article with this id, or null (to check an alias's article). */
  findArticle: (id: string) => Promise<string | null>;
  now?: () => number;
}

const INTERVAL_WORDS: Record<number, string> = {
  0: 'Off',
  60: 'Every hour',
  180: 'Every 3 hours',
  360: 'Every 6 hours',
  720: 'Every 12 hours',
  1440: 'Every day',
};

const megabytes = new Intl.NumberFormat('en', { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });

export function formatStorage(bytes: number): string {
  return megabytes.format(bytes / 1_000_000);
}

export type SiteCheck = { ok: true; host: string } | { ok: false; error: string };

/** A site as typed ("example.com", "https://example.com/page", "EXAMPLE.com:8080") -> its hostname. */
export function parseSite(input: string): SiteCheck {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: 'Type a site name, such as example.com.' };
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).hostname;
  } catch {
    return { ok: false, error: `“${trimmed}” is not a site name, such as example.com.` };
  }
  if (!host || !/^[a-z0-9.[\]:-]+$/.test(host) || host.startsWith('.') || host.endsWith('.')) {
    return { ok: false, error: `“${trimmed}” is not a site name, such as example.com.` };
  }
  return { ok: true, host };
}

type Notice = { kind: 'info' | 'error'; text: string } | null;

export function OptionsForm({ settings, status, storage, onSaveWikiUrl, onSaveSettings, onSyncNow, findArticle, now }: OptionsFormProps) {
  const id = useId();
  const [wikiDraft, setWikiDraft] = useState(settings.wikiUrl);
  const [wikiNotice, setWikiNotice] = useState<Notice>(null);
  const [savingWiki, setSavingWiki] = useState(false);
  const [siteDraft, setSiteDraft] = useState('');
  const [siteNotice, setSiteNotice] = useState<Notice>(null);
  const [syncNotice, setSyncNotice] = useState<Notice>(null);

  // The saved URL changed (here or in another window): show it. Only a change
  // counts: effects run after paint, and the user may have typed by then.
  const shownUrl = useRef(settings.wikiUrl);
  useEffect(() => {
    if (shownUrl.current === settings.wikiUrl) return;
    shownUrl.current = settings.wikiUrl;
    setWikiDraft(settings.wikiUrl);
  }, [settings.wikiUrl]);

  const save = (next: Partial<Settings>) => {
    void onSaveSettings({ ...settings, ...next });
  };

  const onSubmitWiki = (event: Event) => {
    event.preventDefault();
    const checked = normalizeWikiUrl(wikiDraft);
    if (!checked.ok) {
      setWikiNotice({ kind: 'error', text: checked.error });
      return;
    }
    setWikiDraft(checked.url);
    if (checked.url === settings.wikiUrl) {
      setWikiNotice({ kind: 'info', text: 'This is already the wiki in use.' });
      return;
    }
    setSavingWiki(true);
    setWikiNotice(null);
    // Called before any await: the permission prompt needs this click's gesture.
    onSaveWikiUrl(checked.url)
      .then(
        (refusal) =>
          setWikiNotice(
            refusal
              ? { kind: 'error', text: refusal }
              : { kind: 'info', text: `Saved. Articles now come from ${checked.url}; a sync has started.` },
          ),
        (thrown: unknown) => setWikiNotice({ kind: 'error', text: `Not saved: ${errorMessage(thrown)}` }),
      )
      .finally(() => setSavingWiki(false));
  };

  const onAddSite = (event: Event) => {
    event.preventDefault();
    const checked = parseSite(siteDraft);
    if (!checked.ok) {
      setSiteNotice({ kind: 'error', text: checked.error });
      return;
    }
    setSiteDraft('');
    if (settings.disabledSites.includes(checked.host)) {
      setSiteNotice({ kind: 'info', text: `${checked.host} is already on the list.` });
      return;
    }
    setSiteNotice({ kind: 'info', text: `Terms will not be marked on ${checked.host}.` });
    save({ disabledSites: [...settings.disabledSites, checked.host].sort() });
  };

  const onRemoveSite = (host: string) => {
    setSiteNotice({ kind: 'info', text: `Terms will be marked on ${host} again.` });
    save({ disabledSites: settings.disabledSites.filter((h) => h !== host) });
  };

  const syncing = status !== null && isSyncing(status);
  const onSync = () => {
    setSyncNotice(null);
    onSyncNow().catch((thrown: unknown) =>
      setSyncNotice({ kind: 'error', text: `The sync could not start: ${errorMessage(thrown)}` }),
    );
  };

  const intervals: number[] = SYNC_INTERVAL_CHOICES.includes(settings.syncIntervalMinutes as (typeof SYNC_INTERVAL_CHOICES)[number])
    ? [...SYNC_INTERVAL_CHOICES]
    : [...SYNC_INTERVAL_CHOICES, settings.syncIntervalMinutes].sort((a, b) => a - b);

  return (
    <div class="options">
      <section class="options-section" aria-labelledby={`${id}-wiki`}>
        <h2 id={`${id}-wiki`}>Knowledge base</h2>
        <form class="field-row" onSubmit={onSubmitWiki} noValidate>
          <div class="field">
            <label for={`${id}-wiki-url`}>Wiki URL</label>
            <input
              id={`${id}-wiki-url`}
              type="text"
              inputMode="url"
              autoComplete="url"
              spellcheck={false}
              value={wikiDraft}
              aria-describedby={`${id}-wiki-help ${id}-wiki-notice`}
              aria-invalid={wikiNotice?.kind === 'error' ? true : undefined}
              onInput={(event) => setWikiDraft((event.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" class="button" disabled={savingWiki}>
            Save
          </button>
        </form>
        <p class="field-help" id={`${id}-wiki-help`}>
          The address of any DokuWiki, such as https://agentwiki.org.
        </p>
        <p id={`${id}-wiki-notice`} class={noticeClass(wikiNotice)} role={wikiNotice?.kind === 'error' ? 'alert' : undefined}>
          {wikiNotice?.text}
        </p>
      </section>

      <WikiAccessOptions settings={settings} onSave={save} />

      <section class="options-section" aria-labelledby={`${id}-sync`}>
        <h2 id={`${id}-sync`}>Sync</h2>
        <SyncStatusView status={status} now={now} onRetry={onSync} />
        <div class="field-row">
          <button type="button" class="button" onClick={onSync} disabled={syncing}>
            Sync now
          </button>
          <div class="field">
            <label for={`${id}-interval`}>Sync automatically</label>
            <select
              id={`${id}-interval`}
              value={String(settings.syncIntervalMinutes)}
              onChange={(event) => save({ syncIntervalMinutes: Number((event.currentTarget as HTMLSelectElement).value) })}
            >
              {intervals.map((minutes) => (
                <option key={minutes} value={String(minutes)}>
                  {INTERVAL_WORDS[minutes] ?? `Every ${minutes} minutes`}
                </option>
              ))}
            </select>
          </div>
        </div>
        {syncNotice && (
          <p class={noticeClass(syncNotice)} role="alert">
            {syncNotice.text}
          </p>
        )}
        <p class="muted storage-use">Storage used: {storage ? formatStorage(storage.usage) : 'unknown'}.</p>
      </section>

      <section class="options-section" aria-labelledby={`${id}-marking`}>
        <h2 id={`${id}-marking`}>Marking terms on pages</h2>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={settings.highlightEnabled}
            onChange={(event) => save({ highlightEnabled: (event.currentTarget as HTMLInputElement).checked })}
          />
          Mark terms on web pages
        </label>
        <h3 id={`${id}-sites`}>Sites where terms are not marked</h3>
        {settings.disabledSites.length === 0 ? (
          <p class="muted">None: terms are marked on every site.</p>
        ) : (
          <ul class="site-list" aria-labelledby={`${id}-sites`}>
            {settings.disabledSites.map((host) => (
              <li key={host}>
                <span>{host}</span>
                <button type="button" class="button-quiet" aria-label={`Remove ${host}`} onClick={() => onRemoveSite(host)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <form class="field-row" onSubmit={onAddSite} noValidate>
          <div class="field">
            <label for={`${id}-site`}>Site to leave unmarked</label>
            <input
              id={`${id}-site`}
              type="text"
              inputMode="url"
              spellcheck={false}
              placeholder="example.com"
              value={siteDraft}
              aria-describedby={`${id}-site-notice`}
              onInput={(event) => setSiteDraft((event.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" class="button">
            Add site
          </button>
        </form>
        <p id={`${id}-site-notice`} class={noticeClass(siteNotice)} role={siteNotice?.kind === 'error' ? 'alert' : undefined}>
          {siteNotice?.text}
        </p>
      </section>

      <TermOptions settings={settings} onSave={save} findArticle={findArticle} />
    </div>
  );
}

function noticeClass(notice: Notice): string {
  return notice?.kind === 'error' ? 'notice is-error' : 'notice';
}
