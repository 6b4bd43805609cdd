/**
 * DokuWiki markup to the HTML a DokuWiki 2022-07-31 "Igor" renders for
 * `doku.php?do=export_xhtmlbody` (and `wiki.getPageHTML`), so that the
 * starter snapshot built from the knowledge base's sources reads exactly like
 * the same pages synced from the wiki, and extractArticle() derives the same
 * title, summary, bold terms, links and tags from both.
 *
 * Written by hand because no package on npm renders DokuWiki markup (the
 * DokuWiki packages there are API clients), and the snapshot must build on
 * machines without PHP. It is a port of DokuWiki's own parser and renderer,
 * markup-parser.ts and markup-xhtml.ts, checked byte for byte against a real
 * DokuWiki's output (tests/fixtures/wiki).
 *
 * `{{tag>...}}` renders nothing: the extension shows an article's tags from
 * Article.tags, and the tag plugin's links lead to tag pages that are not in
 * the cache. (A wiki without the tag plugin prints the tags as stray text,
 * which extractArticle removes; one with it prints a `div.tags` list.)
 */
import { parseDokuWiki, type Call } from './markup-parser';
import { renderCalls } from './markup-xhtml';

export interface RenderOptions {
  /** Whether a page exists: links to missing pages get class `wikilink2`, as on the wiki. */
  pageExists: (id: string) => boolean;
  /** The id of the page being rendered: relative links resolve against it. */
  currentId: string;
  /**
   * The title of a page, for links written without text (`[[page]]`). Give
   * it to render them as a wiki with `useheading` on does; leave it out for
   * DokuWiki's default, the page's name.
   */
  pageTitle?: (id: string) => string | undefined;
}

const TAG_MACRO = /^\{\{tag>/;

export function renderDokuWiki(raw: string, options: RenderOptions): string {
  const calls = withoutTagMacros(parseDokuWiki(raw));
  return renderCalls(calls, options);
}

/** Drops the media calls DokuWiki makes of `{{tag>...}}` when no tag plugin claims the syntax. */
function withoutTagMacros(calls: Call[]): Call[] {
  return calls.filter((call) => !(call.name === 'externalmedia' && TAG_MACRO.test(`{{${call.media.src}`)));
}
