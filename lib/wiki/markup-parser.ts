/**
 * DokuWiki's parser (2022-07-31 "Igor", default configuration, no plugins),
 * ported from inc/parser/handler.php and inc/Parsing/Handler: the handler that
 * turns the lexer's tokens (markup-lexer.ts) into instructions ("calls"), and
 * the rewriters that build lists, tables, footnotes, quotes and paragraphs.
 * The structure follows the PHP closely, because DokuWiki's output is defined
 * by this code, not by a grammar: an unclosed `//` swallows the rest of a
 * page, a table row with fewer cells is padded, two footnotes with the same
 * text share one note. Reproducing that is what makes the starter snapshot
 * read like the wiki's own pages.
 */
import { EMAIL_PATTERN, Token, createLexer, padPage, parseHeader, type TokenSink } from './markup-lexer';
import { phpTrim } from './page-id';

export interface MediaSpec {
  type: 'internalmedia' | 'externalmedia';
  src: string;
  title: string | null;
  align: 'left' | 'right' | 'center' | null;
  width: string | null;
  height: string | null;
  cache: string;
  linking: 'details' | 'nolink' | 'direct' | 'linkonly';
}

/** A link's text: written text, none (use a default), or an image. */
export type LinkTitle = string | null | MediaSpec;

export interface HighlightOptions {
  enable_line_numbers?: boolean;
  start_line_numbers_at?: number;
  highlight_lines_extra?: number[];
  enable_keyword_links?: boolean;
}

type SimpleCallName =
  | 'section_close' | 'notoc' | 'nocache' | 'linebreak' | 'eol' | 'hr'
  | 'strong_open' | 'strong_close' | 'emphasis_open' | 'emphasis_close'
  | 'underline_open' | 'underline_close' | 'monospace_open' | 'monospace_close'
  | 'subscript_open' | 'subscript_close' | 'superscript_open' | 'superscript_close'
  | 'deleted_open' | 'deleted_close' | 'footnote_open' | 'footnote_close'
  | 'list_close' | 'listu_open' | 'listu_close' | 'listo_open' | 'listo_close'
  | 'listitem_close' | 'listcontent_open' | 'listcontent_close'
  | 'preformatted_start' | 'preformatted_newline' | 'preformatted_end'
  | 'quote_end' | 'quote_open' | 'quote_close'
  | 'doublequoteopening' | 'doublequoteclosing'
  | 'singlequoteopening' | 'singlequoteclosing' | 'apostrophe'
  | 'table_row' | 'tableheader' | 'tablecell' | 'colspan'
  | 'tablerow_open' | 'tablerow_close' | 'tablethead_open' | 'tablethead_close'
  | 'tablecell_close' | 'tableheader_close' | 'p_open' | 'p_close';

/** One instruction of DokuWiki's instruction list, with its source position. */
export type Call = (
  | { name: SimpleCallName }
  | { name: 'cdata'; text: string }
  | { name: 'header'; text: string; level: number }
  | { name: 'section_open'; level: number }
  | { name: 'nest'; calls: Call[] }
  | { name: 'list_open' | 'list_item' | 'quote_start' | 'quote_newline'; match: string }
  | { name: 'listitem_open'; level: number; node: boolean }
  | {
      name:
        | 'unformatted' | 'php' | 'phpblock' | 'html' | 'htmlblock'
        | 'preformatted' | 'preformatted_content' | 'acronym' | 'smiley' | 'entity'
        | 'table_align' | 'rowspan';
      text: string;
    }
  | { name: 'code' | 'file'; text: string; language: string | null; filename: string | null; options: HighlightOptions | null }
  | { name: 'multiplyentity'; x: string; y: string }
  | { name: 'internallink' | 'externallink' | 'windowssharelink' | 'emaillink' | 'locallink'; target: string; title: LinkTitle }
  | { name: 'interwikilink'; match: string; title: LinkTitle; wikiName: string; wikiUri: string }
  | { name: 'internalmedia' | 'externalmedia'; media: MediaSpec }
  | { name: 'rss'; url: string }
  | { name: 'table_start' | 'table_end'; tablePos: number | null }
  | { name: 'table_open'; maxcols: number; numrows: number; tablePos: number | null }
  | { name: 'table_close'; tablePos: number | null }
  | { name: 'tablecell_open' | 'tableheader_open'; colspan: number | false; align: string | null; rowspan: number | false }
) & { pos: number };

type CallOf<N extends Call['name']> = Call & { name: N };

// ---------------------------------------------------------------------------
// Call writers and rewriters (inc/Parsing/Handler)

interface CallWriter {
  writeCall(call: Call): void;
  writeCalls(calls: Call[]): void;
  finalise(): void;
}

interface Rewriter extends CallWriter {
  /** Writes the rewritten calls to the parent writer and returns it. */
  process(): CallWriter;
}

class RootWriter implements CallWriter {
  constructor(private readonly target: Call[]) {}
  writeCall(call: Call): void {
    this.target.push(call);
  }
  writeCalls(calls: Call[]): void {
    for (const call of calls) this.target.push(call);
  }
  finalise(): void {}
}

abstract class AbstractRewriter implements Rewriter {
  calls: Call[] = [];
  constructor(protected readonly parent: CallWriter) {}
  writeCall(call: Call): void {
    this.calls.push(call);
  }
  writeCalls(calls: Call[]): void {
    for (const call of calls) this.calls.push(call);
  }
  /** Closes what the page left open, then hands over to the parent. */
  finalise(): void {
    const last = this.calls[this.calls.length - 1];
    this.writeCall(this.closingCall(last?.pos ?? 0));
    this.process();
    this.parent.finalise();
  }
  protected abstract closingCall(pos: number): Call;
  abstract process(): CallWriter;
}

/** Nest: a footnote's calls become one `nest` call; consecutive cdata merge, eol is dropped. */
class Nest extends AbstractRewriter {
  protected closingCall(pos: number): Call {
    return { name: 'footnote_close', pos };
  }
  process(): CallWriter {
    const merged: Call[] = [];
    for (const call of this.calls) {
      const previous = merged[merged.length - 1];
      if (call.name === 'cdata' && previous?.name === 'cdata') {
        previous.text += call.text;
      } else if (call.name !== 'eol') {
        merged.push(call);
      }
    }
    this.parent.writeCall({ name: 'nest', calls: merged, pos: merged[0]?.pos ?? 0 });
    return this.parent;
  }
}

type ListType = 'u' | 'o';

class Lists extends AbstractRewriter {
  private readonly listCalls: Call[] = [];
  /** [list type, depth, index of the current listitem_open in listCalls] */
  private readonly listStack: Array<[ListType, number, number]> = [];
  private initialDepth = 0;

  protected closingCall(pos: number): Call {
    return { name: 'list_close', pos };
  }

  process(): CallWriter {
    for (const call of this.calls) {
      if (call.name === 'list_item') this.listOpen(call);
      else if (call.name === 'list_open') this.listStart(call);
      else if (call.name === 'list_close') this.listEnd(call.pos);
      else this.listCalls.push(call);
    }
    this.parent.writeCalls(this.listCalls);
    return this.parent;
  }

  private open(type: ListType, pos: number): Call {
    return { name: type === 'u' ? 'listu_open' : 'listo_open', pos };
  }

  private close(type: ListType, pos: number): Call {
    return { name: type === 'u' ? 'listu_close' : 'listo_close', pos };
  }

  private listStart(call: { match: string; pos: number }): void {
    const [depth, type] = interpretListSyntax(call.match);
    this.initialDepth = depth;
    this.listStack.push([type, depth, 1]);
    this.listCalls.push(this.open(type, call.pos));
    this.listCalls.push({ name: 'listitem_open', level: 1, node: false, pos: call.pos });
    this.listCalls.push({ name: 'listcontent_open', pos: call.pos });
  }

  private listEnd(pos: number): void {
    let closeContent = true;
    for (let list = this.listStack.pop(); list; list = this.listStack.pop()) {
      if (closeContent) {
        this.listCalls.push({ name: 'listcontent_close', pos });
        closeContent = false;
      }
      this.listCalls.push({ name: 'listitem_close', pos });
      this.listCalls.push(this.close(list[0], pos));
    }
  }

  private itemOpen(depth: number, pos: number): void {
    this.listCalls.push({ name: 'listitem_open', level: depth - 1, node: false, pos });
    this.listCalls.push({ name: 'listcontent_open', pos });
  }

  private listOpen(call: { match: string; pos: number }): void {
    const pos = call.pos;
    let [depth, type] = interpretListSyntax(call.match);
    let end = this.listStack[this.listStack.length - 1];
    if (!end) return;
    if (depth < this.initialDepth) depth = this.initialDepth;

    if (depth === end[1]) {
      this.listCalls.push({ name: 'listcontent_close', pos }, { name: 'listitem_close', pos });
      if (type === end[0]) {
        this.itemOpen(depth, pos);
        end[2] = this.listCalls.length - 2;
      } else {
        this.listCalls.push(this.close(end[0], pos), this.open(type, pos));
        this.itemOpen(depth, pos);
        this.listStack.pop();
        this.listStack.push([type, depth, this.listCalls.length - 2]);
      }
    } else if (depth > end[1]) {
      this.listCalls.push({ name: 'listcontent_close', pos }, this.open(type, pos));
      this.itemOpen(depth, pos);
      const parentItem = this.listCalls[end[2]];
      if (parentItem?.name === 'listitem_open') parentItem.node = true;
      this.listStack.push([type, depth, this.listCalls.length - 2]);
    } else {
      this.listCalls.push({ name: 'listcontent_close', pos }, { name: 'listitem_close', pos }, this.close(end[0], pos));
      this.listStack.pop();
      for (;;) {
        end = this.listStack[this.listStack.length - 1];
        if (!end) break;
        if (end[1] <= depth) {
          depth = end[1];
          this.listCalls.push({ name: 'listitem_close', pos });
          if (end[0] === type) {
            this.itemOpen(depth, pos);
            end[2] = this.listCalls.length - 2;
          } else {
            this.listCalls.push(this.close(end[0], pos), this.open(type, pos));
            this.itemOpen(depth, pos);
            this.listStack.pop();
            this.listStack.push([type, depth, this.listCalls.length - 2]);
          }
          break;
        }
        this.listCalls.push({ name: 'listitem_close', pos }, this.close(end[0], pos));
        this.listStack.pop();
      }
    }
  }
}

/** Lists::interpretSyntax(): depth from the indentation (a tab counts as two spaces), type from the marker. */
function interpretListSyntax(match: string): [number, ListType] {
  const type: ListType = match.endsWith('*') ? 'u' : 'o';
  const indent = match.replace(/\t/g, '  ');
  let pairs = 0;
  for (let at = indent.indexOf('  '); at !== -1; at = indent.indexOf('  ', at + 2)) pairs++;
  return [pairs + 1, type];
}

class Preformatted extends AbstractRewriter {
  protected closingCall(pos: number): Call {
    return { name: 'preformatted_end', pos };
  }
  process(): CallWriter {
    let text = '';
    let start = 0;
    for (const call of this.calls) {
      if (call.name === 'preformatted_start') start = call.pos;
      else if (call.name === 'preformatted_newline') text += '\n';
      else if (call.name === 'preformatted_content') text += call.text;
      else if (call.name === 'preformatted_end') {
        if (phpTrim(text) !== '') this.parent.writeCall({ name: 'preformatted', text, pos: start });
        // FS#1699, FS#1652: two eols so that the next paragraph opens.
        this.parent.writeCall({ name: 'eol', pos: start });
        this.parent.writeCall({ name: 'eol', pos: start });
      }
    }
    return this.parent;
  }
}

class Quote extends AbstractRewriter {
  protected closingCall(pos: number): Call {
    return { name: 'quote_end', pos };
  }
  process(): CallWriter {
    const quoteCalls: Call[] = [];
    let quoteDepth = 1;
    for (const call of this.calls) {
      if (call.name === 'quote_start' || call.name === 'quote_newline') {
        if (call.name === 'quote_start') quoteCalls.push({ name: 'quote_open', pos: call.pos });
        const quoteLength = />+/.exec(call.match)?.[0].length ?? 0;
        if (quoteLength > quoteDepth) {
          for (let i = quoteDepth; i < quoteLength; i++) quoteCalls.push({ name: 'quote_open', pos: call.pos });
        } else if (quoteLength < quoteDepth) {
          for (let i = quoteLength; i < quoteDepth; i++) quoteCalls.push({ name: 'quote_close', pos: call.pos });
        } else if (call.name !== 'quote_start') {
          quoteCalls.push({ name: 'linebreak', pos: call.pos });
        }
        quoteDepth = quoteLength;
      } else if (call.name === 'quote_end') {
        for (let i = 1; i < quoteDepth; i++) quoteCalls.push({ name: 'quote_close', pos: call.pos });
        quoteCalls.push({ name: 'quote_close', pos: call.pos });
        this.parent.writeCalls(quoteCalls);
      } else {
        quoteCalls.push(call);
      }
    }
    return this.parent;
  }
}

type CellCall = CallOf<'tablecell_open' | 'tableheader_open'>;
const isCellOpen = (call: Call | undefined): call is CellCall =>
  call?.name === 'tablecell_open' || call?.name === 'tableheader_open';

class Table extends AbstractRewriter {
  private tableCalls: Call[] = [];
  private maxCols = 0;
  private maxRows = 1;
  private currentCols = 0;
  private firstCell = false;
  private lastCellType: 'tablecell' | 'tableheader' = 'tablecell';
  private inTableHead = true;
  private currentRow = { tablecell: 0, tableheader: 0 };
  private countTableHeadRows = 0;

  protected closingCall(pos: number): Call {
    return { name: 'table_end', tablePos: null, pos };
  }

  process(): CallWriter {
    for (const call of this.calls) {
      switch (call.name) {
        case 'table_start':
          this.tableCalls.push({ name: 'table_open', maxcols: 0, numrows: 0, tablePos: call.tablePos, pos: call.pos });
          this.tableCalls.push({ name: 'tablerow_open', pos: call.pos });
          this.firstCell = true;
          break;
        case 'table_row':
          this.tableRowClose(call.pos);
          this.tableRowOpen(call.pos);
          break;
        case 'tableheader':
        case 'tablecell':
          this.tableCell(call.name, call.pos);
          break;
        case 'table_end':
          this.tableRowClose(call.pos);
          this.tableCalls.push({ name: 'table_close', tablePos: call.tablePos, pos: call.pos });
          this.finalizeTable();
          break;
        default:
          this.tableCalls.push(call);
      }
    }
    this.parent.writeCalls(this.tableCalls);
    return this.parent;
  }

  private tableRowOpen(pos: number): void {
    this.tableCalls.push({ name: 'tablerow_open', pos });
    this.currentCols = 0;
    this.firstCell = true;
    this.lastCellType = 'tablecell';
    this.maxRows++;
    if (this.inTableHead) this.currentRow = { tablecell: 0, tableheader: 0 };
  }

  private isTableHeadRow(): boolean {
    const td = this.currentRow.tablecell;
    const th = this.currentRow.tableheader;
    if (!th || td > 2) return false;
    if (2 * td > th) return false;
    return true;
  }

  private tableRowClose(pos: number): void {
    if (this.inTableHead && (this.inTableHead = this.isTableHeadRow())) this.countTableHeadRows++;
    // Strip off the final cell opening and anything after it.
    for (let discard = this.tableCalls.pop(); discard; discard = this.tableCalls.pop()) {
      if (isCellOpen(discard)) break;
      if (discard.name === 'tablecell' || discard.name === 'tableheader') {
        if (this.currentRow[discard.name]) this.currentRow[discard.name]--;
      }
    }
    this.tableCalls.push({ name: 'tablerow_close', pos });
    if (this.currentCols > this.maxCols) this.maxCols = this.currentCols;
  }

  private tableCell(type: 'tablecell' | 'tableheader', pos: number): void {
    if (this.inTableHead) this.currentRow[type]++;
    const open: Call = { name: type === 'tablecell' ? 'tablecell_open' : 'tableheader_open', colspan: 1, align: null, rowspan: 1, pos };
    if (!this.firstCell) {
      const last = this.tableCalls[this.tableCalls.length - 1];
      // A cell that follows an open cell means an empty cell: a span.
      if (isCellOpen(last)) this.tableCalls.push({ name: 'colspan', pos });
      this.tableCalls.push({ name: this.lastCellType === 'tablecell' ? 'tablecell_close' : 'tableheader_close', pos });
    } else {
      this.firstCell = false;
    }
    this.tableCalls.push(open);
    this.lastCellType = type;
    this.currentCols++;
  }

  private finalizeTable(): void {
    const calls = this.tableCalls;
    const first = calls[0];
    if (first?.name === 'table_open') {
      first.maxcols = this.maxCols - 1;
      first.numrows = this.maxRows;
    }
    let lastRow = 0;
    let lastCell = 0;
    const cellKey: number[][] = [];
    const toDelete = new Set<number>();
    if (this.inTableHead) {
      this.inTableHead = false;
      this.countTableHeadRows = 0;
    }
    const cellAt = (row: number, cell: number): CellCall | undefined => {
      const call = calls[cellKey[row]?.[cell] ?? -1];
      return isCellOpen(call) ? call : undefined;
    };

    for (let key = 0; key < calls.length; key++) {
      const call = calls[key]!;
      switch (call.name) {
        case 'table_open':
          if (this.countTableHeadRows) calls.splice(key + 1, 0, { name: 'tablethead_open', pos: call.pos });
          break;
        case 'tablerow_open':
          lastRow++;
          lastCell = 0;
          break;
        case 'tablecell_open':
        case 'tableheader_open':
          lastCell++;
          (cellKey[lastRow] ??= [])[lastCell] = key;
          break;
        case 'table_align': {
          const previous = calls[key - 1];
          const next = calls[key + 1];
          const prevIsOpen = isCellOpen(previous);
          const nextIsClose = next?.name === 'tablecell_close' || next?.name === 'tableheader_close';
          if (prevIsOpen && nextIsClose) {
            previous.align = 'left';
          } else if (prevIsOpen) {
            previous.align = 'right';
          } else if (nextIsClose) {
            const cell = cellAt(lastRow, lastCell);
            if (cell) cell.align = cell.align === 'right' ? 'center' : 'left';
          }
          calls[key] = { name: 'cdata', text: call.text, pos: call.pos };
          break;
        }
        case 'colspan': {
          const previous = calls[key - 1];
          if (isCellOpen(previous)) previous.colspan = false;
          const firstOfRow = cellKey[lastRow]?.[1] ?? 0;
          for (let i = key - 2; i >= firstOfRow; i--) {
            const candidate = calls[i];
            if (isCellOpen(candidate) && candidate.colspan !== false) {
              candidate.colspan++;
              break;
            }
          }
          toDelete.add(key - 1).add(key).add(key + 1);
          break;
        }
        case 'rowspan': {
          if (calls[key - 1]?.name === 'cdata') {
            // Text mixed with ::: is text.
            calls[key] = { name: 'cdata', text: call.text, pos: call.pos };
            break;
          }
          let spanningRow: number | null = null;
          if (!this.countTableHeadRows || lastRow - 1 !== this.countTableHeadRows) {
            for (let row = lastRow - 1; row > 0; row--) {
              const cell = cellAt(row, lastCell);
              if (cell && cell.rowspan !== false && cell.rowspan >= lastRow - row) {
                spanningRow = row;
                break;
              }
            }
          }
          if (spanningRow === null) {
            calls[key] = { name: 'cdata', text: '', pos: call.pos };
            break;
          }
          const spanning = cellAt(spanningRow, lastCell);
          if (spanning && spanning.rowspan !== false) spanning.rowspan++;
          const previous = calls[key - 1];
          if (isCellOpen(previous)) previous.rowspan = false;
          toDelete.add(key - 1).add(key).add(key + 1);
          break;
        }
        case 'tablerow_close': {
          const more: Call[] = [];
          while (++lastCell < this.maxCols) {
            more.push(
              { name: 'tablecell_open', colspan: 1, align: null, rowspan: 1, pos: call.pos },
              { name: 'cdata', text: '', pos: call.pos },
              { name: 'tablecell_close', pos: call.pos },
            );
          }
          if (more.length) {
            calls.splice(key, 0, ...more);
            key += more.length;
          }
          if (this.countTableHeadRows === lastRow) calls.splice(key + 1, 0, { name: 'tablethead_close', pos: call.pos });
          break;
        }
        default:
          break;
      }
    }

    // Condense cdata.
    for (let key = 0; key < calls.length; key++) {
      const call = calls[key]!;
      if (call.name !== 'cdata') continue;
      let next = key + 1;
      for (let following = calls[next]; following?.name === 'cdata'; following = calls[++next]) {
        call.text += following.text;
        toDelete.add(next);
      }
      key = next;
    }
    this.tableCalls = calls.filter((_, index) => !toDelete.has(index));
  }
}

/** Block: wraps inline content in paragraphs and drops empty ones (inc/Parsing/Handler/Block.php). */
const BLOCK_OPEN = new Set([
  'header', 'listu_open', 'listo_open', 'listitem_open', 'listcontent_open', 'table_open', 'tablerow_open',
  'tablecell_open', 'tableheader_open', 'tablethead_open', 'quote_open', 'code', 'file', 'hr', 'preformatted',
  'rss', 'htmlblock', 'phpblock', 'footnote_open',
]);
const BLOCK_CLOSE = new Set([
  'header', 'listu_close', 'listo_close', 'listitem_close', 'listcontent_close', 'table_close', 'tablerow_close',
  'tablecell_close', 'tableheader_close', 'tablethead_close', 'quote_close', 'code', 'file', 'hr', 'preformatted',
  'rss', 'htmlblock', 'phpblock', 'footnote_close',
]);

function buildParagraphs(input: Call[]): Call[] {
  const calls: Call[] = [];
  let inParagraph = false;
  let skipEol = false;

  const openParagraph = (pos: number): void => {
    if (inParagraph) return;
    calls.push({ name: 'p_open', pos });
    inParagraph = true;
    skipEol = true;
  };
  const closeParagraph = (pos: number): void => {
    if (!inParagraph) return;
    // Look back for content: an empty paragraph is removed.
    let content = '';
    let i = calls.length - 1;
    for (; i >= 0; i--) {
      const call = calls[i]!;
      if (call.name === 'p_open') break;
      if (call.name === 'cdata') {
        content += call.text;
      } else {
        content = 'found markup';
        break;
      }
    }
    if (phpTrim(content) === '') {
      calls.length = Math.max(i, 0);
    } else {
      const last = calls[calls.length - 1];
      if (last?.name === 'cdata') last.text = last.text.replace(/\n+$/, '');
      calls.push({ name: 'p_close', pos });
    }
    inParagraph = false;
    skipEol = true;
  };
  const addCall = (call: Call): void => {
    const last = calls[calls.length - 1];
    if (call.name === 'cdata' && last?.name === 'cdata') last.text += call.text;
    else calls.push(call);
  };

  openParagraph(0);
  input.forEach((call, key) => {
    const name = call.name;
    if (name === 'section_close' || name === 'section_open') {
      closeParagraph(call.pos);
      calls.push(call);
      openParagraph(call.pos);
      return;
    }
    // A substitution opens and closes at the same call: close first.
    if (BLOCK_CLOSE.has(name)) {
      closeParagraph(call.pos);
      calls.push(call);
      openParagraph(call.pos);
      return;
    }
    if (BLOCK_OPEN.has(name)) {
      closeParagraph(call.pos);
      calls.push(call);
      return;
    }
    if (name === 'eol') {
      if (!skipEol) {
        if (input[key + 1]?.name === 'eol') {
          // Two eols in a row: a paragraph break.
          closeParagraph(call.pos);
          openParagraph(call.pos);
        } else {
          addCall({ name: 'cdata', text: '\n', pos: call.pos });
        }
      }
      return;
    }
    addCall({ ...call });
    skipEol = false;
  });
  closeParagraph(calls[calls.length - 1]?.pos ?? 0);
  return calls;
}

// ---------------------------------------------------------------------------
// Handler (inc/parser/handler.php)

const INTERWIKI_LINK = /^[a-zA-Z0-9.]+>/;

class Handler implements TokenSink {
  readonly calls: Call[] = [];
  private writer: CallWriter = new RootWriter(this.calls);
  private inSection = false;
  private doubleQuotes = 0;
  private inFootnote = false;

  private add(call: Call): void {
    this.writer.writeCall(call);
  }

  private enterRewriter(rewriter: CallWriter): void {
    this.writer = rewriter;
  }

  private leaveRewriter(): void {
    this.writer = (this.writer as Rewriter).process();
  }

  finalize(): Call[] {
    this.writer.finalise();
    if (this.inSection) {
      const last = this.calls[this.calls.length - 1];
      this.calls.push({ name: 'section_close', pos: last?.pos ?? 0 });
    }
    return buildParagraphs(this.calls);
  }

  handle(mode: string, match: string, state: Token, pos: number): void {
    switch (mode) {
      case 'base':
        if (state === Token.Unmatched) this.add({ name: 'cdata', text: match, pos });
        return;
      case 'header':
        return this.header(match, pos);
      case 'notoc':
      case 'nocache':
      case 'linebreak':
      case 'eol':
      case 'hr':
        return this.add({ name: mode, pos });
      case 'strong':
      case 'emphasis':
      case 'underline':
      case 'monospace':
      case 'subscript':
      case 'superscript':
      case 'deleted':
        return this.nestingTag(mode, match, state, pos);
      case 'footnote':
        return this.footnote(match, state, pos);
      case 'listblock':
        return this.listblock(match, state, pos);
      case 'unformatted':
      case 'php':
      case 'phpblock':
      case 'html':
      case 'htmlblock':
        if (state === Token.Unmatched) this.add({ name: mode, text: match, pos });
        return;
      case 'preformatted':
        return this.preformatted(match, state, pos);
      case 'quote':
        return this.quote(match, state, pos);
      case 'code':
      case 'file':
        if (state === Token.Unmatched) this.code(mode, match, pos);
        return;
      case 'acronym':
      case 'smiley':
      case 'entity':
        return this.add({ name: mode, text: match, pos });
      case 'multiplyentity': {
        const [x = '', y = ''] = match.match(/\d+/g) ?? [];
        return this.add({ name: 'multiplyentity', x, y, pos });
      }
      case 'doublequoteopening':
        this.add({ name: 'doublequoteopening', pos });
        this.doubleQuotes++;
        return;
      case 'doublequoteclosing':
        if (this.doubleQuotes <= 0) {
          this.add({ name: 'doublequoteopening', pos });
          this.doubleQuotes++;
        } else {
          this.add({ name: 'doublequoteclosing', pos });
          this.doubleQuotes = Math.max(0, this.doubleQuotes - 1);
        }
        return;
      case 'internallink':
        return this.internallink(match, pos);
      case 'windowssharelink':
        return this.add({ name: 'windowssharelink', target: match, title: null, pos });
      case 'media':
        return this.add({ ...parseMedia(match), pos });
      case 'rss':
        return this.add({ name: 'rss', url: match.replace(/^\{\{rss>/, '').replace(/\}\}$/, '').split(' ')[0] ?? '', pos });
      case 'externallink':
        return this.externallink(match, pos);
      case 'emaillink':
        return this.add({ name: 'emaillink', target: match.replace(/^</, '').replace(/>$/, ''), title: null, pos });
      case 'table':
        return this.table(match, state, pos);
      default:
        return;
    }
  }

  private header(match: string, pos: number): void {
    const { title, level } = parseHeader(match);
    if (this.inSection) this.add({ name: 'section_close', pos });
    this.add({ name: 'header', text: title, level, pos });
    this.add({ name: 'section_open', level, pos });
    this.inSection = true;
  }

  private nestingTag(
    name: 'strong' | 'emphasis' | 'underline' | 'monospace' | 'subscript' | 'superscript' | 'deleted',
    match: string,
    state: Token,
    pos: number,
  ): void {
    if (state === Token.Enter) this.add({ name: `${name}_open`, pos });
    else if (state === Token.Exit) this.add({ name: `${name}_close`, pos });
    else if (state === Token.Unmatched) this.add({ name: 'cdata', text: match, pos });
  }

  private footnote(match: string, state: Token, pos: number): void {
    if (state === Token.Enter) {
      // Footnotes cannot nest; the lexer still enters the mode, the handler ignores it.
      if (this.inFootnote) return this.add({ name: 'cdata', text: match, pos });
      this.inFootnote = true;
      this.enterRewriter(new Nest(this.writer));
      this.add({ name: 'footnote_open', pos });
    } else if (state === Token.Exit) {
      if (!this.inFootnote) return this.add({ name: 'cdata', text: match, pos });
      this.inFootnote = false;
      this.add({ name: 'footnote_close', pos });
      this.leaveRewriter();
    } else if (state === Token.Unmatched) {
      this.add({ name: 'cdata', text: match, pos });
    }
  }

  private listblock(match: string, state: Token, pos: number): void {
    if (state === Token.Enter) {
      this.enterRewriter(new Lists(this.writer));
      this.add({ name: 'list_open', match, pos });
    } else if (state === Token.Exit) {
      this.add({ name: 'list_close', pos });
      this.leaveRewriter();
    } else if (state === Token.Matched) {
      this.add({ name: 'list_item', match, pos });
    } else if (state === Token.Unmatched) {
      this.add({ name: 'cdata', text: match, pos });
    }
  }

  private preformatted(match: string, state: Token, pos: number): void {
    if (state === Token.Enter) {
      this.enterRewriter(new Preformatted(this.writer));
      this.add({ name: 'preformatted_start', pos });
    } else if (state === Token.Exit) {
      this.add({ name: 'preformatted_end', pos });
      this.leaveRewriter();
    } else if (state === Token.Matched) {
      this.add({ name: 'preformatted_newline', pos });
    } else if (state === Token.Unmatched) {
      this.add({ name: 'preformatted_content', text: match, pos });
    }
  }

  private quote(match: string, state: Token, pos: number): void {
    if (state === Token.Enter) {
      this.enterRewriter(new Quote(this.writer));
      this.add({ name: 'quote_start', match, pos });
    } else if (state === Token.Exit) {
      this.add({ name: 'quote_end', pos });
      this.leaveRewriter();
    } else if (state === Token.Matched) {
      this.add({ name: 'quote_newline', match, pos });
    } else if (state === Token.Unmatched) {
      this.add({ name: 'cdata', text: match, pos });
    }
  }

  private code(type: 'code' | 'file', match: string, pos: number): void {
    const gt = match.indexOf('>');
    let head = gt === -1 ? match : match.slice(0, gt);
    const text = gt === -1 ? null : match.slice(gt + 1);
    const optionText = /\[.*\]/.exec(head)?.[0];
    if (optionText) head = head.split(optionText).join('');
    const params = splitWhitespaceOnce(head);
    let language: string | null = params[0] ?? null;
    if (language === 'html') language = 'html4strict';
    if (language === '-') language = null;
    this.add({
      name: type,
      text: text ?? '',
      language,
      filename: params[1] ?? null,
      options: optionText ? parseHighlightOptions(optionText) : null,
      pos,
    });
  }

  private internallink(match: string, pos: number): void {
    const inner = match.replace(/^\[\[/, '').replace(/\]\]$/, '');
    const bar = inner.indexOf('|');
    let target = bar === -1 ? inner : inner.slice(0, bar);
    let title: LinkTitle = bar === -1 ? null : inner.slice(bar + 1);
    if (typeof title === 'string' && /^\{\{[^}]+\}\}$/.test(title)) title = parseMedia(title).media;
    target = phpTrim(target);

    if (INTERWIKI_LINK.test(target)) {
      const arrow = target.indexOf('>');
      this.add({
        name: 'interwikilink',
        match: target,
        title,
        wikiName: target.slice(0, arrow).toLowerCase(),
        wikiUri: target.slice(arrow + 1),
        pos,
      });
    } else if (/^\\\\[^\\]+?\\/.test(target)) {
      this.add({ name: 'windowssharelink', target, title, pos });
    } else if (/^([a-z0-9\-.+]+?):\/\//i.test(target)) {
      this.add({ name: 'externallink', target, title, pos });
    } else if (new RegExp(EMAIL_PATTERN).test(target)) {
      this.add({ name: 'emaillink', target, title, pos });
    } else if (/^#.+/.test(target)) {
      this.add({ name: 'locallink', target: target.slice(1), title, pos });
    } else {
      this.add({ name: 'internallink', target, title, pos });
    }
  }

  private externallink(match: string, pos: number): void {
    let url = match;
    let title: string | null = null;
    if (url.startsWith('ftp') && !url.startsWith('ftp://')) {
      title = url;
      url = `ftp://${url}`;
    }
    if (url.startsWith('www') && !url.startsWith('http://')) {
      title = url;
      url = `http://${url}`;
    }
    this.add({ name: 'externallink', target: url, title, pos });
  }

  private table(match: string, state: Token, pos: number): void {
    switch (state) {
      case Token.Enter:
        this.enterRewriter(new Table(this.writer));
        this.add({ name: 'table_start', tablePos: pos + 1, pos });
        this.add({ name: phpTrim(match) === '^' ? 'tableheader' : 'tablecell', pos });
        return;
      case Token.Exit:
        this.add({ name: 'table_end', tablePos: pos, pos });
        this.leaveRewriter();
        return;
      case Token.Unmatched:
        if (phpTrim(match) !== '') this.add({ name: 'cdata', text: match, pos });
        return;
      case Token.Matched:
        if (match === ' ') this.add({ name: 'cdata', text: match, pos });
        else if (match.includes(':::')) this.add({ name: 'rowspan', text: match, pos });
        else if (/\t+/.test(match) || / {2,}/.test(match)) this.add({ name: 'table_align', text: match, pos });
        else if (match === '\n|') {
          this.add({ name: 'table_row', pos });
          this.add({ name: 'tablecell', pos });
        } else if (match === '\n^') {
          this.add({ name: 'table_row', pos });
          this.add({ name: 'tableheader', pos });
        } else if (match === '|') this.add({ name: 'tablecell', pos });
        else if (match === '^') this.add({ name: 'tableheader', pos });
        return;
      default:
        return;
    }
  }
}

/** preg_split('/\s+/', $text, 2, PREG_SPLIT_NO_EMPTY) */
function splitWhitespaceOnce(text: string): string[] {
  const trimmed = text.replace(/^[ \t\n\r\f\x0B]+/, '');
  if (trimmed === '') return [];
  const gap = /[ \t\n\r\f\x0B]+/.exec(trimmed);
  if (!gap) return [trimmed];
  const rest = trimmed.slice(gap.index + gap[0].length);
  return rest === '' ? [trimmed.slice(0, gap.index)] : [trimmed.slice(0, gap.index), rest];
}

/** Doku_Handler::parse_highlight_options() */
function parseHighlightOptions(text: string): HighlightOptions | null {
  const raw = new Map<string, string | 1>();
  for (const found of text.matchAll(/(\w+(?:="[^"]*"))|(\w+(?:=[^\s]*))|(\w+[^=\s\]])(?:\s*)/g)) {
    const whole = found[0];
    const equals = whole.indexOf('=');
    if (equals === -1) {
      raw.set(whole.trim(), 1);
    } else {
      const value = whole.slice(equals + 1).replace(/^"+|"+$/g, '');
      raw.set(whole.slice(0, equals), value === '' ? 1 : value);
    }
  }
  const options: HighlightOptions = {};
  const flag = (value: string | 1): boolean => value !== 'false' && value !== '0' && value !== '';
  const lineNumbers = raw.get('enable_line_numbers');
  if (lineNumbers !== undefined) options.enable_line_numbers = flag(lineNumbers);
  const start = raw.get('start_line_numbers_at');
  if (start !== undefined) options.start_line_numbers_at = Number.parseInt(String(start), 10) || 0;
  const extra = raw.get('highlight_lines_extra');
  if (extra !== undefined) {
    options.highlight_lines_extra = [...new Set(String(extra).split(',').map((n) => Number.parseInt(n, 10) || 0).filter(Boolean))];
  }
  const keywordLinks = raw.get('enable_keyword_links');
  if (keywordLinks !== undefined) options.enable_keyword_links = flag(keywordLinks);
  return Object.keys(options).length === 0 ? null : options;
}

/** Doku_Handler_Parse_Media(): `{{ src?params |title}}`, alignment from the spaces. */
export function parseMedia(match: string): { name: 'internalmedia' | 'externalmedia'; media: MediaSpec } {
  const inner = match.replace(/^\{\{/, '').replace(/\}\}$/, '');
  const bar = inner.indexOf('|');
  const source = bar === -1 ? inner : inner.slice(0, bar);
  const title = bar === -1 ? null : inner.slice(bar + 1);
  const rightAligned = source.startsWith(' ');
  const leftAligned = source.endsWith(' ');
  const align = leftAligned && rightAligned ? 'center' : rightAligned ? 'right' : leftAligned ? 'left' : null;
  const trimmed = phpTrim(source);
  const question = trimmed.lastIndexOf('?');
  const src = question === -1 ? trimmed : trimmed.slice(0, question);
  const param = question === -1 ? '' : trimmed.slice(question + 1);
  const size = /(\d+)(x(\d+))?/i.exec(param);
  const linking = /nolink/i.test(param) ? 'nolink' : /direct/i.test(param) ? 'direct' : /linkonly/i.test(param) ? 'linkonly' : 'details';
  const cache = /(nocache|recache)/i.exec(param)?.[1] ?? 'cache';
  const type = isExternalMedia(src) || INTERWIKI_LINK.test(src) ? 'externalmedia' : 'internalmedia';
  return {
    name: type,
    media: {
      type,
      src,
      title,
      align,
      width: phpNonEmpty(size?.[1]),
      height: phpNonEmpty(size?.[3]),
      cache,
      linking,
    },
  };
}

/** PHP's `!empty($x) ? $x : null` for a regex group: "0" counts as empty. */
const phpNonEmpty = (value: string | undefined): string | null => (value && value !== '0' ? value : null);

/** media_isexternal() */
const isExternalMedia = (src: string): boolean => /^(https?|ftp):\/\//i.test(src);

/** Parses DokuWiki source into the instruction list DokuWiki would render. */
export function parseDokuWiki(source: string): Call[] {
  const page = padPage(source);
  const handler = new Handler();
  createLexer(handler, page).parse(page);
  return handler.finalize();
}
