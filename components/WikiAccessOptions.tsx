/**
 * How the extension reads the wiki: the way (found automatically, or forced)
 * and, for a private wiki, an account or an API token. Credentials are kept
 * in this browser's extension storage and sent to that wiki only.
 */
import { useId, useState } from 'preact/hooks';
import { WIKI_SOURCES, type Settings, type WikiCredentials, type WikiSource } from '../lib/settings/settings';

const SOURCE_WORDS: Record<WikiSource, string> = {
  auto: 'Find the best way automatically',
  jsonrpc: 'JSON-RPC API (DokuWiki 2024 and later)',
  xmlrpc: 'XML-RPC API (older DokuWiki)',
  public: 'Public pages only (API off)',
};

type AccessKind = 'none' | 'account' | 'token';

const kindOf = (credentials: WikiCredentials | undefined): AccessKind =>
  !credentials ? 'none' : 'token' in credentials ? 'token' : 'account';

export interface WikiAccessOptionsProps {
  settings: Settings;
  onSave: (next: Partial<Settings>) => void;
}

export function WikiAccessOptions({ settings, onSave }: WikiAccessOptionsProps) {
  const id = useId();
  const [kind, setKind] = useState<AccessKind>(kindOf(settings.credentials));
  const [user, setUser] = useState(settings.credentials && 'user' in settings.credentials ? settings.credentials.user : '');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (kind === 'none') {
      onSave({ credentials: undefined });
      setNotice({ kind: 'info', text: 'The wiki is read anonymously.' });
      return;
    }
    if (kind === 'account') {
      if (!user.trim() || !password) {
        setNotice({ kind: 'error', text: 'Enter both the user name and the password.' });
        return;
      }
      onSave({ credentials: { user: user.trim(), password } });
    } else {
      if (!token.trim()) {
        setNotice({ kind: 'error', text: 'Paste the API token from your wiki profile.' });
        return;
      }
      onSave({ credentials: { token: token.trim() } });
    }
    setPassword('');
    setToken('');
    setNotice({ kind: 'info', text: 'Saved. The next sync signs in with it.' });
  };

  return (
    <section class="options-section" aria-labelledby={`${id}-access`}>
      <h2 id={`${id}-access`}>Reading the wiki</h2>
      <div class="field">
        <label for={`${id}-source`}>How to read it</label>
        <select
          id={`${id}-source`}
          value={settings.source}
          onChange={(event) => onSave({ source: (event.currentTarget as HTMLSelectElement).value as WikiSource })}
        >
          {WIKI_SOURCES.map((source) => (
            <option key={source} value={source}>
              {SOURCE_WORDS[source]}
            </option>
          ))}
        </select>
      </div>
      <form onSubmit={onSubmit} noValidate>
        <fieldset class="field">
          <legend>Sign in (private wikis)</legend>
          {(['none', 'account', 'token'] as const).map((choice) => (
            <label class="checkbox" key={choice}>
              <input type="radio" name={`${id}-kind`} checked={kind === choice} onChange={() => setKind(choice)} />
              {choice === 'none' ? 'No: the wiki is public' : choice === 'account' ? 'With a user name and password' : 'With an API token'}
            </label>
          ))}
        </fieldset>
        {kind === 'account' && (
          <div class="field-row">
            <div class="field">
              <label for={`${id}-user`}>User name</label>
              <input id={`${id}-user`} type="text" autoComplete="username" value={user} onInput={(e) => setUser((e.currentTarget as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for={`${id}-password`}>Password</label>
              <input
                id={`${id}-password`}
                type="password"
                autoComplete="current-password"
                placeholder={kindOf(settings.credentials) === 'account' ? 'Saved; type to replace' : ''}
                value={password}
                onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
          </div>
        )}
        {kind === 'token' && (
          <div class="field">
            <label for={`${id}-token`}>API token</label>
            <input
              id={`${id}-token`}
              type="password"
              autoComplete="off"
              placeholder={kindOf(settings.credentials) === 'token' ? 'Saved; paste to replace' : ''}
              value={token}
              onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
        )}
        <button type="submit" class="button">
          Save sign-in
        </button>
        <p class="field-help">Kept in this browser only, and sent to this wiki only.</p>
        {notice && (
          <p class={notice.kind === 'error' ? 'notice is-error' : 'notice'} role={notice.kind === 'error' ? 'alert' : undefined}>
            {notice.text}
          </p>
        )}
      </form>
    </section>
  );
}
