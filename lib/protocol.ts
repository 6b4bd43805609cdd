/**
 * The one message protocol between the extension's contexts. Every message is
 * named by direction (`to-background`, `to-content`), carries a typed payload
 * and gets a typed `Result` reply. Senders and listeners use only the helpers
 * in services/messaging.ts, which are typed by these maps.
 */
import type { Result } from './result';
import type { SyncStatus } from './sync/status';

/** What the hover card shows for one term. */
export interface CardData {
  id: string;
  title: string;
  /** Opening definition, plain text, about 500 characters at most. */
  summary: string;
  /** The article on the wiki itself. */
  wikiPageUrl: string;
}

export interface SearchHit {
  id: string;
  title: string;
  /** Plain text around the best match. */
  snippet: string;
}

/** An article ready for the reader; html is untrusted until sanitized. */
export interface ArticleView {
  id: string;
  title: string;
  html: string;
  tags: string[];
  modified: number;
  wikiPageUrl: string;
}

/** A term found on the active tab, for the side panel's "On this page". */
export interface PageTerm {
  id: string;
  title: string;
  /** The text as it stands on the page. */
  text: string;
  count: number;
}

/** Messages to the background service worker: request payload and reply value. */
export interface ToBackground {
  /** Card data for one article (content script, on hover). */
  'card:get': { request: { id: string }; reply: CardData | null };
  /** Full-text search over the cache (popup, side panel). */
  'search:query': { request: { query: string; limit: number }; reply: SearchHit[] };
  /** The popup opened: load the index now, so that the first typed query finds it in memory. Replies at once. */
  'search:prepare': { request: Record<string, never>; reply: true };
  /** One article for the reader (side panel). */
  'article:get': { request: { id: string }; reply: ArticleView | null };
  /** Start a sync unless one is running; replies with the status at once. */
  'sync:start': { request: Record<string, never>; reply: SyncStatus };
  /** Open the side panel on an article for the sender's tab (card button). */
  'sidepanel:open': { request: { id: string }; reply: boolean };
}

/** Messages to a tab's content script. */
export interface ToContent {
  /** Terms detected on the page (side panel). */
  'page:terms': { request: Record<string, never>; reply: PageTerm[] };
  /** Move to the next marked term and open its card (keyboard command). */
  'page:next-term': { request: Record<string, never>; reply: boolean };
}

export type MessageMap = ToBackground | ToContent;
export type MessageType<M> = keyof M & string;
export type RequestOf<M, K extends keyof M> = M[K] extends { request: infer R } ? R : never;
export type ReplyOf<M, K extends keyof M> = M[K] extends { reply: infer R } ? R : never;

/** A message as it crosses a context boundary. */
export interface Envelope<M, K extends keyof M = keyof M> {
  type: K;
  payload: RequestOf<M, K>;
}

export type Reply<M, K extends keyof M> = Result<ReplyOf<M, K>>;
