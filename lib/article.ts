/**
 * An article of the knowledge base as the cache keeps it: everything the
 * hover card, the reader and the search need, derived once at sync time.
 */
export interface Article {
  /** DokuWiki page id: lowercase snake_case, optionally namespaced with ':'. */
  id: string;
  /** The page's first heading, whatever the wiki's `useheading` says. */
  title: string;
  /** Body HTML as the wiki rendered it. Untrusted: render it only through sanitizeArticleHtml. */
  html: string;
  /** The article's plain text, for search. */
  text: string;
  /** The opening definition: plain text, about 500 characters at most. */
  summary: string;
  /** Bold phrases of the opening paragraph ("**MetaGPT** is ..."): the term it defines. */
  boldTerms: string[];
  /** Ids of the existing wiki pages it links to. */
  links: string[];
  /** Tags from the tag plugin's {{tag>...}}. */
  tags: string[];
  /** Last modification, unix milliseconds. */
  modified: number;
}

/** Metadata of a page as a wiki lists it, before its content is fetched. */
export interface PageListing {
  id: string;
  /** Last modification, unix milliseconds; 0 when the listing does not say. */
  modified: number;
  /** md5 of the raw text, when the wiki lists it. */
  hash?: string;
}
