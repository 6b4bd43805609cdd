/**
 * Everything that can go wrong between the extension and a wiki, as one error
 * type whose message is written for the person who configured the wiki URL:
 * it names the address and says what to do, so the options page can show it
 * as it stands.
 */
export type WikiErrorKind =
  /** The address answers, but not as a DokuWiki. */
  | 'not-dokuwiki'
  /** No answer at all: DNS, refused connection, reset, offline. */
  | 'unreachable'
  /** An HTTP status other than success (401/403 are 'denied'). */
  | 'http'
  /** The wiki refuses: API off for anonymous callers, ACL, 401/403. */
  | 'denied'
  /** An answer that cannot be understood (malformed XML, unexpected shape). */
  | 'bad-response'
  /** No answer within the time allowed. */
  | 'timeout';

export interface WikiErrorDetails {
  /** The address that was requested, when there was one. */
  url?: string;
  /** The HTTP status, for 'http' and 'denied'. */
  status?: number;
  /** The underlying error (a network TypeError, a parser error). */
  cause?: unknown;
}

export class WikiError extends Error {
  override readonly name = 'WikiError';
  readonly kind: WikiErrorKind;
  readonly url?: string;
  readonly status?: number;

  constructor(kind: WikiErrorKind, message: string, details: WikiErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.url !== undefined) this.url = details.url;
    if (details.status !== undefined) this.status = details.status;
  }
}

export const isWikiError = (thrown: unknown): thrown is WikiError => thrown instanceof WikiError;

/** True for the error a fetch rejects with when its caller aborted it. */
export function isAbortError(thrown: unknown): boolean {
  return (
    typeof thrown === 'object' &&
    thrown !== null &&
    'name' in thrown &&
    (thrown as { name: unknown }).name === 'AbortError'
  );
}
