/**
 * DokuWiki's lexer (2022-07-31 "Igor", default configuration, no plugins),
 * ported from inc/Parsing/Lexer and inc/Parsing/ParserMode: one alternation
 * of patterns per mode, the earliest match wins and ties go to the mode
 * connected first, exactly as DokuWiki connects its modes. markup-parser.ts
 * turns its tokens into instructions; firstHeading() reads only as far as a
 * page's first heading.
 *
 * Differences from PHP that do not change the result:
 * - Lookaheads of the form `(?=.*CLOSE)` ("a closing token follows somewhere")
 *   are checked against the last occurrence of CLOSE instead of scanning to
 *   the end of the page at every candidate, and patterns that need a closing
 *   literal are dropped once none follows. This keeps long and hostile pages
 *   linear: `[[` 200,000 times without `]]` takes half a second, not minutes.
 * - Positions are UTF-16 offsets, not byte offsets; they only fed the section
 *   edit ranges, which the renderer does not emit.
 * - JavaScript regexes (before ES2025) have no inline `(?i)`: the few
 *   case-insensitive parts are written as two-case classes.
 */
import { ACRONYMS, ENTITIES, SCHEMES, SMILEYS } from './markup-config';
import { phpTrim } from './page-id';

// ---------------------------------------------------------------------------
// Lexer (inc/Parsing/Lexer)

/** DOKU_LEXER_ENTER ... DOKU_LEXER_SPECIAL: what a token is to the mode it arrives in. */
export const Token = {
  Enter: 1,
  Matched: 2,
  Unmatched: 3,
  Exit: 4,
  Special: 5,
} as const;
export type Token = (typeof Token)[keyof typeof Token];

/** What a pattern does when it wins: enter a mode, leave it, a one-token special mode, or a match inside the mode. */
type Label = { kind: 'enter'; mode: string } | { kind: 'exit' } | { kind: 'special'; mode: string } | { kind: 'matched' };

interface PatternSpec {
  /** JavaScript regex source, without capturing groups. */
  source: string;
  label: Label;
  /**
   * The pattern was `source(?=.*LITERAL)` in PHP: it matches only when
   * LITERAL occurs somewhere after the match.
   */
  closing?: string;
  /**
   * A literal every match ends with. Once it no longer occurs in the rest of
   * the page the pattern is dropped before it can scan to the end of the
   * page at each candidate (`[[` without any `]]` after it would otherwise
   * cost quadratic time).
   */
  endsWith?: string;
}

type Compiled = { regex: RegExp; indexes: number[] };

/**
 * The patterns of every mode, wired once as DokuWiki's Parser::connectModes()
 * wires them (Lexer::addPattern and friends), and shared by every parse: the
 * compiled alternations are stateless, so they are cached here too. Wiring
 * and compiling cost more than lexing a typical page's first lines.
 */
class PatternTable {
  readonly modes = new Map<string, PatternSpec[]>();
  readonly handlerNames = new Map<string, string>();
  /** Compiled alternations by mode and the patterns left out. */
  readonly compiled = new Map<string, Compiled | null>();

  private add(mode: string, pattern: PatternSpec): void {
    let patterns = this.modes.get(mode);
    if (!patterns) {
      patterns = [];
      this.modes.set(mode, patterns);
    }
    patterns.push(pattern);
  }

  addPattern(source: string, mode: string): void {
    this.add(mode, { source, label: { kind: 'matched' } });
  }

  addEntryPattern(source: string, mode: string, newMode: string, closing?: string): void {
    this.add(mode, { source, label: { kind: 'enter', mode: newMode }, ...(closing === undefined ? {} : { closing }) });
  }

  addExitPattern(source: string, mode: string): void {
    this.add(mode, { source, label: { kind: 'exit' } });
  }

  addSpecialPattern(source: string, mode: string, special: string, endsWith?: string): void {
    this.add(mode, { source, label: { kind: 'special', mode: special }, ...(endsWith === undefined ? {} : { endsWith }) });
  }

  mapHandler(mode: string, handlerName: string): void {
    this.handlerNames.set(mode, handlerName);
  }
}

/**
 * ParallelRegex: all patterns of one mode as one alternation; the earliest
 * match wins, ties go to the first pattern. One per mode and parse, because
 * which patterns are still alive depends on the page.
 */
class ParallelRegex {
  /** Patterns that can no longer match in this page (see PatternSpec). */
  private readonly dead = new Set<number>();
  private current: Compiled | null | undefined;

  constructor(
    private readonly mode: string,
    private readonly patterns: readonly PatternSpec[],
    private readonly cache: Map<string, Compiled | null>,
  ) {}

  /**
   * Finds the first match in `subject`, which starts at `offset` in the page.
   * `lastIndexOf` answers where a literal last occurs in the page.
   */
  split(
    subject: string,
    offset: number,
    lastIndexOf: (literal: string) => number,
  ): { index: number; match: string; label: Label } | null {
    this.patterns.forEach((pattern, index) => {
      if (pattern.endsWith !== undefined && !this.dead.has(index) && lastIndexOf(pattern.endsWith) < offset) {
        this.kill(index);
      }
    });
    for (;;) {
      const compiled = this.compile();
      if (!compiled) return null;
      const found = compiled.regex.exec(subject);
      if (!found) return null;
      let winner = -1;
      for (let group = 1; group < found.length; group++) {
        if (found[group] !== undefined) {
          winner = compiled.indexes[group - 1] ?? -1;
          break;
        }
      }
      const pattern = this.patterns[winner];
      if (!pattern) return null;
      const end = offset + found.index + found[0].length;
      if (pattern.closing !== undefined && lastIndexOf(pattern.closing) < end) {
        // No closing token after this point, and positions only grow: the
        // lookahead would fail here and everywhere after, so drop the pattern.
        this.kill(winner);
        continue;
      }
      return { index: found.index, match: found[0], label: pattern.label };
    }
  }

  private kill(index: number): void {
    this.dead.add(index);
    this.current = undefined;
  }

  private compile(): Compiled | null {
    if (this.current !== undefined) return this.current;
    const key = `${this.mode}|${[...this.dead].sort((a, b) => a - b).join(',')}`;
    let compiled = this.cache.get(key);
    if (compiled === undefined) {
      const sources: string[] = [];
      const indexes: number[] = [];
      this.patterns.forEach((pattern, index) => {
        if (this.dead.has(index)) return;
        sources.push(`(${pattern.source})`);
        indexes.push(index);
      });
      // "s": PHP's patterns run with /ms; "^" and "$" are written out where a
      // pattern needs line semantics, so no "m" here.
      compiled = sources.length === 0 ? null : { regex: new RegExp(sources.join('|'), 's'), indexes };
      this.cache.set(key, compiled);
    }
    this.current = compiled;
    return compiled;
  }
}

/** Receives the lexer's tokens; `finished` stops the lexer early. */
export interface TokenSink {
  handle(mode: string, match: string, state: Token, pos: number): void;
  readonly finished?: boolean;
}

class Lexer {
  private readonly regexes = new Map<string, ParallelRegex>();
  private readonly modeStack: string[] = ['base'];
  private lastIndexCache = new Map<string, number>();
  private page = '';

  constructor(
    private readonly handler: TokenSink,
    private readonly table: PatternTable,
  ) {}

  private regexFor(mode: string): ParallelRegex | undefined {
    let regex = this.regexes.get(mode);
    if (!regex) {
      const patterns = this.table.modes.get(mode);
      if (!patterns) return undefined;
      regex = new ParallelRegex(mode, patterns, this.table.compiled);
      this.regexes.set(mode, regex);
    }
    return regex;
  }

  private lastIndexOf = (literal: string): number => {
    let index = this.lastIndexCache.get(literal);
    if (index === undefined) {
      index = this.page.lastIndexOf(literal);
      this.lastIndexCache.set(literal, index);
    }
    return index;
  };

  private get current(): string {
    return this.modeStack[this.modeStack.length - 1] ?? 'base';
  }

  parse(page: string): void {
    this.page = page;
    this.lastIndexCache = new Map();
    let rest = page;
    let pos = 0;
    for (;;) {
      if (this.handler.finished) return;
      const regex = this.regexFor(this.current);
      if (!regex) return;
      if (rest === '') return;
      const found = regex.split(rest, pos, this.lastIndexOf);
      if (!found) break;
      const unmatched = rest.slice(0, found.index);
      const matchPos = pos + found.index;
      if (!this.dispatch(unmatched, found.match, found.label, pos, matchPos)) return;
      const consumed = found.index + found.match.length;
      // PHP gives up when nothing was consumed; no pattern here matches empty.
      if (consumed === 0) return;
      rest = rest.slice(consumed);
      pos += consumed;
    }
    this.invoke(rest, Token.Unmatched, pos);
  }

  private dispatch(unmatched: string, matched: string, label: Label, unmatchedPos: number, matchPos: number): boolean {
    this.invoke(unmatched, Token.Unmatched, unmatchedPos);
    switch (label.kind) {
      case 'exit':
        this.invoke(matched, Token.Exit, matchPos);
        if (this.modeStack.length <= 1) return false;
        this.modeStack.pop();
        return true;
      case 'special':
        this.modeStack.push(label.mode);
        this.invoke(matched, Token.Special, matchPos);
        this.modeStack.pop();
        return true;
      case 'enter':
        this.modeStack.push(label.mode);
        this.invoke(matched, Token.Enter, matchPos);
        return true;
      case 'matched':
        this.invoke(matched, Token.Matched, matchPos);
        return true;
    }
  }

  private invoke(content: string, state: Token, pos: number): void {
    if (content === '') return;
    const mode = this.table.handlerNames.get(this.current) ?? this.current;
    this.handler.handle(mode, content, state, pos);
  }
}

// ---------------------------------------------------------------------------
// Parser modes (inc/Parsing/ParserMode, inc/parser/parser.php)

const PARSER_MODES = {
  container: ['listblock', 'table', 'quote', 'hr'],
  baseonly: ['header'],
  formatting: ['strong', 'emphasis', 'underline', 'monospace', 'subscript', 'superscript', 'deleted', 'footnote'],
  substition: [
    'acronym', 'smiley', 'wordblock', 'entity', 'camelcaselink', 'internallink', 'media',
    'externallink', 'linebreak', 'emaillink', 'windowssharelink', 'filelink', 'notoc',
    'nocache', 'multiplyentity', 'quotes', 'rss',
  ],
  protected: ['preformatted', 'code', 'file', 'php', 'html', 'htmlblock', 'phpblock'],
  disabled: ['unformatted'],
  paragraphs: ['eol'],
} as const;

interface ParserMode {
  name: string;
  sort: number;
  accepts: ReadonlySet<string>;
  connectTo(table: PatternTable, mode: string): void;
  postConnect?(table: PatternTable): void;
}

/** Escapes a literal for a JavaScript regex (Lexer::escape's job). */
const escapeLiteral = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** `^` of PHP's multiline mode: the start of the remaining text or just after a newline. */
const LINE_START = '(?:^|(?<=\\n))';

const none: ReadonlySet<string> = new Set();

function special(name: string, sort: number, source: string, endsWith?: string): ParserMode {
  return { name, sort, accepts: none, connectTo: (table, mode) => table.addSpecialPattern(source, mode, name, endsWith) };
}

function formattingMode(name: string, sort: number, entry: string, exit: string, closing: string | undefined): ParserMode {
  const accepts = new Set<string>([
    ...PARSER_MODES.formatting.filter((mode) => mode !== name),
    ...PARSER_MODES.substition,
    ...PARSER_MODES.disabled,
  ]);
  return {
    name,
    sort,
    accepts,
    connectTo: (table, mode) => {
      if (mode !== name) table.addEntryPattern(entry, mode, name, closing);
    },
    postConnect: (table) => table.addExitPattern(exit, name),
  };
}

function externalLinkPatterns(): string[] {
  const ltrs = '\\w';
  const gunk = '/\\#~:.?+=&%@!\\-\\[\\]';
  const punc = '.:?\\-;,';
  const host = ltrs + punc;
  const any = ltrs + gunk + punc;
  // PHP writes `(?i)scheme(?-i)`; JavaScript (before ES2025) has no inline
  // flags, so each letter becomes a two-case class.
  const anyCase = (word: string): string =>
    [...word].map((char) => (/[a-z]/i.test(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : escapeLiteral(char))).join('');
  const patterns = SCHEMES.map((scheme) => `\\b${anyCase(scheme)}://[${any}]+?(?=[${punc}]*[^${any}])`);
  patterns.push(`(?<![/\\\\])\\b[wW][wW][wW]?\\.[${host}]+?\\.[${host}]+?[${any}]+?(?=[${punc}]*[^${any}])`);
  patterns.push(`(?<![/\\\\])\\b[fF][tT][pP]?\\.[${host}]+?\\.[${host}]+?[${any}]+?(?=[${punc}]*[^${any}])`);
  return patterns;
}

const RFC2822_ATEXT = "0-9a-zA-Z!#$%&'*+/=?^_`{|}~-";
/** PREG_PATTERN_VALID_EMAIL of inc/mail.php. */
export const EMAIL_PATTERN = `[${RFC2822_ATEXT}]+(?:\\.[${RFC2822_ATEXT}]+)*@(?:[0-9a-zA-Z][0-9a-zA-Z-]*\\.)+[a-zA-Z]{2,63}`;

/** PHP's \s without the UTF-8 flag: ASCII whitespace only. */
const PHP_SPACE = ' \\t\\n\\x0B\\f\\r';

/** The modes of a default DokuWiki, sorted as p_get_parsermodes() sorts them (a stable sort). */
function parserModes(pageHasNul: boolean): ParserMode[] {
  const containerish = new Set<string>([
    ...PARSER_MODES.formatting,
    ...PARSER_MODES.substition,
    ...PARSER_MODES.disabled,
    ...PARSER_MODES.protected,
  ]);
  const footnoteAccepts = new Set<string>([
    ...PARSER_MODES.container,
    ...PARSER_MODES.formatting.filter((mode) => mode !== 'footnote'),
    ...PARSER_MODES.substition,
    ...PARSER_MODES.protected,
    ...PARSER_MODES.disabled,
  ]);

  const smileyPattern = SMILEYS.map(([text]) => `(?<=\\W|^)${escapeLiteral(text)}(?=\\W|$)`).join('|');
  const acronymBound = '[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';
  // Acronym sorts longest first; Array.prototype.sort is stable like PHP 8's usort.
  const acronyms = ACRONYMS.map(([text]) => text).sort((a, b) => b.length - a.length);
  const acronymPattern = `(?<=^|${acronymBound})(?:${acronyms.map(escapeLiteral).join('|')})(?=${acronymBound})`;
  const entityPattern = ENTITIES.map(([text]) => escapeLiteral(text)).join('|');
  const quoteSpace = `${PHP_SPACE}/\\#~:+=&%@\\-()\\]\\[{}><"'`;
  const quotePunct = ';,.?!';

  const modes: ParserMode[] = [
    {
      name: 'listblock',
      sort: 10,
      accepts: containerish,
      connectTo: (table, mode) => {
        table.addEntryPattern('[ \\t]*\\n {2,}[\\-*]', mode, 'listblock');
        table.addEntryPattern('[ \\t]*\\n\\t{1,}[\\-*]', mode, 'listblock');
        table.addPattern('\\n {2,}[\\-*]', 'listblock');
        table.addPattern('\\n\\t{1,}[\\-*]', 'listblock');
      },
      postConnect: (table) => table.addExitPattern('\\n', 'listblock'),
    },
    {
      name: 'preformatted',
      sort: 20,
      accepts: none,
      connectTo: (table, mode) => {
        table.addEntryPattern('\\n  (?![*\\-])', mode, 'preformatted');
        table.addEntryPattern('\\n\\t(?![*\\-])', mode, 'preformatted');
        table.addPattern('\\n  ', 'preformatted');
        table.addPattern('\\n\\t', 'preformatted');
      },
      postConnect: (table) => table.addExitPattern('\\n', 'preformatted'),
    },
    special('notoc', 30, '~~NOTOC~~'),
    special('nocache', 40, '~~NOCACHE~~'),
    special('header', 50, '[ \\t]*={2,}[^\\n]+={2,}[ \\t]*(?=\\n)'),
    {
      name: 'table',
      sort: 60,
      accepts: containerish,
      connectTo: (table, mode) => {
        table.addEntryPattern('[\\t ]*\\n\\^', mode, 'table');
        table.addEntryPattern('[\\t ]*\\n\\|', mode, 'table');
      },
      postConnect: (table) => {
        table.addPattern('\\n\\^', 'table');
        table.addPattern('\\n\\|', 'table');
        table.addPattern('[\\t ]*:::[\\t ]*(?=[|^])', 'table');
        table.addPattern('[\\t ]+', 'table');
        table.addPattern('\\^', 'table');
        table.addPattern('\\|', 'table');
        table.addExitPattern('\\n', 'table');
      },
    },
    formattingMode('strong', 70, '\\*\\*', '\\*\\*', '**'),
    // `//(?=[^\x00]*[^:])`: "some character other than ':' follows before any
    // NUL". The page always ends with "\n", so without NULs it always holds.
    formattingMode('emphasis', 80, pageHasNul ? '//(?=[^\\x00]*[^:])' : '//', '//', undefined),
    formattingMode('underline', 90, '__', '__', '__'),
    formattingMode('monospace', 100, "''", "''", "''"),
    formattingMode('subscript', 110, '<sub>', '</sub>', '</sub>'),
    formattingMode('superscript', 120, '<sup>', '</sup>', '</sup>'),
    formattingMode('deleted', 130, '<del>', '</del>', '</del>'),
    special('linebreak', 140, '\\\\\\\\(?:[ \\t]|(?=\\n))'),
    {
      name: 'footnote',
      sort: 150,
      accepts: footnoteAccepts,
      connectTo: (table, mode) => table.addEntryPattern('\\(\\(', mode, 'footnote', '))'),
      postConnect: (table) => table.addExitPattern('\\)\\)', 'footnote'),
    },
    special('hr', 160, '\\n[ \\t]*-{4,}[ \\t]*(?=\\n)'),
    {
      name: 'unformatted',
      sort: 170,
      accepts: none,
      connectTo: (table, mode) => {
        table.addEntryPattern('<nowiki>', mode, 'unformatted', '</nowiki>');
        table.addEntryPattern('%%', mode, 'unformattedalt', '%%');
      },
      postConnect: (table) => {
        table.addExitPattern('</nowiki>', 'unformatted');
        table.addExitPattern('%%', 'unformattedalt');
        table.mapHandler('unformattedalt', 'unformatted');
      },
    },
    {
      name: 'php',
      sort: 180,
      accepts: none,
      connectTo: (table, mode) => {
        table.addEntryPattern('<php>', mode, 'php', '</php>');
        table.addEntryPattern('<PHP>', mode, 'phpblock', '</PHP>');
      },
      postConnect: (table) => {
        table.addExitPattern('</php>', 'php');
        table.addExitPattern('</PHP>', 'phpblock');
      },
    },
    {
      name: 'html',
      sort: 190,
      accepts: none,
      connectTo: (table, mode) => {
        table.addEntryPattern('<html>', mode, 'html', '</html>');
        table.addEntryPattern('<HTML>', mode, 'htmlblock', '</HTML>');
      },
      postConnect: (table) => {
        table.addExitPattern('</html>', 'html');
        table.addExitPattern('</HTML>', 'htmlblock');
      },
    },
    {
      name: 'code',
      sort: 200,
      accepts: none,
      connectTo: (table, mode) => table.addEntryPattern('<code\\b', mode, 'code', '</code>'),
      postConnect: (table) => table.addExitPattern('</code>', 'code'),
    },
    {
      name: 'file',
      sort: 210,
      accepts: none,
      connectTo: (table, mode) => table.addEntryPattern('<file\\b', mode, 'file', '</file>'),
      postConnect: (table) => table.addExitPattern('</file>', 'file'),
    },
    {
      name: 'quote',
      sort: 220,
      accepts: containerish,
      connectTo: (table, mode) => table.addEntryPattern('\\n>{1,}', mode, 'quote'),
      postConnect: (table) => {
        table.addPattern('\\n>{1,}', 'quote');
        table.addExitPattern('\\n', 'quote');
      },
    },
    special('smiley', 230, smileyPattern),
    special('acronym', 240, acronymPattern),
    special('entity', 260, entityPattern),
    special('multiplyentity', 270, '(?<=\\b)(?:[1-9]|\\d{2,})[xX]\\d+(?=\\b)'),
    {
      name: 'quotes',
      sort: 280,
      accepts: none,
      connectTo: (table, mode) => {
        // $conf['typography'] = 1: double quotes only.
        table.addSpecialPattern(`(?<=^|[${quoteSpace}])"(?=[^${quoteSpace}${quotePunct}])`, mode, 'doublequoteopening');
        table.addSpecialPattern('"', mode, 'doublequoteclosing');
      },
    },
    special('internallink', 300, '\\[\\[.*?\\]\\](?!\\])', ']]'),
    special('rss', 310, '\\{\\{rss>[^}]+\\}\\}', '}}'),
    special('media', 320, '\\{\\{(?:[^}]|(?:\\}[^}]))+\\}\\}', '}}'),
    {
      name: 'externallink',
      sort: 330,
      accepts: none,
      connectTo: (table, mode) => {
        for (const pattern of externalLinkPatterns()) table.addSpecialPattern(pattern, mode, 'externallink');
      },
    },
    special('emaillink', 340, `<${EMAIL_PATTERN}>`),
    special('windowssharelink', 350, '\\\\\\\\\\w+?(?:\\\\[\\w\\-$]+)+'),
    {
      name: 'eol',
      sort: 370,
      accepts: none,
      connectTo: (table, mode) => {
        if (mode === 'listblock' || mode === 'table') return;
        table.addSpecialPattern(`(?:${LINE_START}[ \\t]*)?\\n`, mode, 'eol');
      },
    },
  ];
  return modes;
}

const baseAccepts = new Set<string>([
  ...PARSER_MODES.container,
  ...PARSER_MODES.baseonly,
  ...PARSER_MODES.paragraphs,
  ...PARSER_MODES.formatting,
  ...PARSER_MODES.substition,
  ...PARSER_MODES.protected,
  ...PARSER_MODES.disabled,
]);

/** Parser::connectModes(): every mode connects into every mode that accepts it, in sort order. */
function connectModes(table: PatternTable, modes: ParserMode[]): void {
  const all: Array<{ name: string; accepts: ReadonlySet<string> }> = [{ name: 'base', accepts: baseAccepts }, ...modes];
  for (const mode of modes) {
    for (const container of all) {
      if (container.accepts.has(mode.name)) mode.connectTo(table, container.name);
    }
    mode.postConnect?.(table);
  }
}

/** Doku_Handler::header(): the level from the opening '=' run (six is level 1), the title inside. */
export function parseHeader(match: string): { title: string; level: number } {
  const trimmed = phpTrim(match);
  const level = Math.max(1, 7 - (/^=*/.exec(trimmed)?.[0].length ?? 0));
  return { title: phpTrim(trimmed.replace(/^=+|=+$/g, '')), level };
}

/** Parser::parse(): normalise line ends and pad with newlines. */
export const padPage = (source: string): string => `\n${source.replace(/\r\n/g, '\n')}\n`;

const tables = new Map<boolean, PatternTable>();

/** A lexer with DokuWiki's modes connected, ready to `parse(page)` (a page from padPage) into `sink`. */
export function createLexer(sink: TokenSink, page: string): { parse(page: string): void } {
  const pageHasNul = page.includes('\0');
  let table = tables.get(pageHasNul);
  if (!table) {
    table = new PatternTable();
    connectModes(table, parserModes(pageHasNul));
    tables.set(pageHasNul, table);
  }
  return new Lexer(sink, table);
}

/**
 * The text of the page's first heading, as DokuWiki sees headings: not in
 * code, nowiki, lists or tables, and not an empty `== ==`. The lexer stops at
 * that heading, so the cost is the text before it.
 */
export function firstHeading(source: string): string | null {
  const page = padPage(source);
  const sink = {
    title: null as string | null,
    finished: false,
    handle(mode: string, match: string): void {
      if (mode !== 'header') return;
      const { title } = parseHeader(match);
      if (title === '') return;
      this.title = title;
      this.finished = true;
    },
  };
  createLexer(sink, page).parse(page);
  return sink.title;
}
