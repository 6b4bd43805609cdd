/**
 * What counts as a term on pages: every occurrence or the first, terms in
 * links, everyday words that title an article, and the user's own aliases
 * (added, or taken away from an article).
 */
import { useId, useState } from 'preact/hooks';
import type { AliasRule, Settings } from '../lib/settings/settings';

export interface TermOptionsProps {
  settings: Settings;
  onSave: (next: Partial<Settings>) => void;
  /** The title of the cached article with this id, or null when there is none. */
  findArticle: (id: string) => Promise<string | null>;
}

type Notice = { kind: 'info' | 'error'; text: string } | null;

const sameRule = (a: AliasRule, b: AliasRule) => a.id === b.id && a.alias.toLowerCase() === b.alias.toLowerCase();

export function TermOptions({ settings, onSave, findArticle }: TermOptionsProps) {
  const id = useId();
  const [alias, setAlias] = useState('');
  const [articleId, setArticleId] = useState('');
  const [notice, setNotice] = useState<Notice>(null);

  const toggle = (key: 'markEveryOccurrence' | 'markInLinks' | 'markCommonWords', words: string) => (
    <label class="checkbox">
      <input type="checkbox" checked={settings[key]} onChange={(e) => onSave({ [key]: (e.currentTarget as HTMLInputElement).checked })} />
      {words}
    </label>
  );

  const submit = (list: 'customAliases' | 'removedAliases') => async () => {
    const rule = { alias: alias.trim().replace(/\s+/g, ' '), id: articleId.trim().toLowerCase() };
    if (!rule.alias || !rule.id) {
      setNotice({ kind: 'error', text: 'Type the phrase and the id of the article it names, such as metagpt.' });
      return;
    }
    const title = await findArticle(rule.id);
    if (title === null) {
      setNotice({ kind: 'error', text: `No cached article has the id “${rule.id}”.` });
      return;
    }
    const other = list === 'customAliases' ? 'removedAliases' : 'customAliases';
    onSave({
      [list]: [...settings[list].filter((r) => !sameRule(r, rule)), rule],
      [other]: settings[other].filter((r) => !sameRule(r, rule)),
    });
    setAlias('');
    setArticleId('');
    setNotice({
      kind: 'info',
      text: list === 'customAliases' ? `“${rule.alias}” now names ${title}.` : `“${rule.alias}” no longer names ${title}.`,
    });
  };

  const ruleList = (list: 'customAliases' | 'removedAliases', heading: string, empty: string) => (
    <>
      <h3 id={`${id}-${list}`}>{heading}</h3>
      {settings[list].length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <ul class="site-list" aria-labelledby={`${id}-${list}`}>
          {settings[list].map((rule) => (
            <li key={`${rule.alias}→${rule.id}`}>
              <span>
                “{rule.alias}” → {rule.id}
              </span>
              <button
                type="button"
                class="button-quiet"
                aria-label={`Forget “${rule.alias}” for ${rule.id}`}
                onClick={() => onSave({ [list]: settings[list].filter((r) => !sameRule(r, rule)) })}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );

  return (
    <section class="options-section" aria-labelledby={`${id}-terms`}>
      <h2 id={`${id}-terms`}>Which words are terms</h2>
      {toggle('markEveryOccurrence', 'Mark every occurrence of a term, not only the first on a page')}
      {toggle('markInLinks', 'Mark terms inside links')}
      {toggle('markCommonWords', 'Let an everyday word that titles an article (“memory”, “planning”) be a term')}
      {ruleList('customAliases', 'Your aliases', 'None yet.')}
      {ruleList('removedAliases', 'Aliases you took away', 'None.')}
      <form class="field-row" onSubmit={(e) => e.preventDefault()} noValidate>
        <div class="field">
          <label for={`${id}-alias`}>Phrase</label>
          <input id={`${id}-alias`} type="text" spellcheck={false} value={alias} onInput={(e) => setAlias((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for={`${id}-article`}>Article id</label>
          <input
            id={`${id}-article`}
            type="text"
            spellcheck={false}
            placeholder="metagpt"
            value={articleId}
            onInput={(e) => setArticleId((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button type="button" class="button" onClick={() => void submit('customAliases')()}>
          Add alias
        </button>
        <button type="button" class="button-quiet" onClick={() => void submit('removedAliases')()}>
          Take away
        </button>
      </form>
      {notice && (
        <p class={notice.kind === 'error' ? 'notice is-error' : 'notice'} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
    </section>
  );
}
