/**
 * Bounds how deeply untrusted HTML nests before it is parsed into a tree.
 *
 * htmlparser2's Parser keeps its open elements in an array it `unshift`s and
 * `shift`s, so parsing costs time proportional to depth for every tag:
 * 40,000 nested elements take 1.6 s, and a 5 MB page of `<b>` would take
 * hours (measured, htmlparser2 12.0.0). dom-serializer also recurses once
 * per level. A wiki page may be hostile, so before parsing, one linear pass
 * with htmlparser2's own Tokenizer estimates the parser's stack and drops the
 * opening tags that would go deeper than MAX_NESTING. Their text stays;
 * only the wrapping goes. Ordinary pages (15 levels) are returned unchanged.
 */
import { Tokenizer } from 'htmlparser2';

/** Deeper than this, wrappers (div, span, ...) are dropped. */
export const MAX_NESTING = 512;
/** The extra depth allowed to elements that carry meaning, so a pile of wrappers does not cost the paragraph inside it. */
const CONTENT_ALLOWANCE = 64;
const CONTENT_ELEMENTS = new Set([
  'a', 'abbr', 'b', 'blockquote', 'code', 'dd', 'del', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'i', 'li',
  'p', 'pre', 'strong', 'sub', 'sup', 'td', 'th', 'u',
]);
/** htmlparser2's void elements: never on its stack. */
const VOID_ELEMENTS = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
/**
 * How far down the estimated stack a closing tag looks for its element. Not
 * finding it leaves the estimate higher than the parser's real stack (which
 * would pop), so the estimate stays an upper bound while each tag costs O(1).
 */
const CLOSE_SEARCH = 64;

export function boundNesting(html: string): string {
  const stack: string[] = [];
  const drops: Array<readonly [number, number]> = [];
  let tagStart = 0;
  let tagName = '';

  const openTagEnd = (endIndex: number): void => {
    if (VOID_ELEMENTS.has(tagName)) return;
    const depth = stack.length;
    if (depth >= MAX_NESTING + CONTENT_ALLOWANCE || (depth >= MAX_NESTING && !CONTENT_ELEMENTS.has(tagName))) {
      drops.push([tagStart, endIndex + 1]);
      return;
    }
    stack.push(tagName);
  };
  const ignore = (): void => {};

  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: true },
    {
      onopentagname(start, endIndex) {
        tagStart = start - 1;
        tagName = html.slice(start, endIndex).toLowerCase();
      },
      onopentagend: openTagEnd,
      // HTML ignores the "/" of <div/>: it opens like any tag.
      onselfclosingtag: openTagEnd,
      onclosetag(start, endIndex) {
        const name = html.slice(start, endIndex).toLowerCase();
        const floor = Math.max(0, stack.length - CLOSE_SEARCH);
        for (let index = stack.length - 1; index >= floor; index--) {
          if (stack[index] === name) {
            stack.length = index;
            break;
          }
        }
      },
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      onattribname: ignore,
      oncdata: ignore,
      oncomment: ignore,
      ondeclaration: ignore,
      onend: ignore,
      onprocessinginstruction: ignore,
      ontext: ignore,
      ontextentity: ignore,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  if (drops.length === 0) return html;

  const kept: string[] = [];
  let from = 0;
  for (const [start, end] of drops) {
    kept.push(html.slice(from, start));
    from = end;
  }
  kept.push(html.slice(from));
  return kept.join('');
}
