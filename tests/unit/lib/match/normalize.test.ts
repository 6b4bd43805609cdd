import { describe, expect, it } from 'vitest';
import {
  canonicalGap,
  canonicalPhrase,
  firstKeyOf,
  foldCase,
  hashKey,
  hasLetterOrDigit,
  isCaseSensitiveToken,
  lazyRegExp,
  SOFT_GAP,
  TokenCursor,
  tokenize,
} from '../../../../lib/match/normalize';

const words = (text: string) => tokenize(text).map((t) => text.slice(t.start, t.end));

describe('tokenize', () => {
  it('splits on anything that is not a letter, digit or mark, with offsets in the original text', () => {
    const text = '  Open-Closed (LLMs), GPT-4.5!';
    expect(words(text)).toEqual(['Open', 'Closed', 'LLMs', 'GPT', '4', '5']);
    const first = tokenize(text)[0]!;
    expect([first.start, first.end]).toEqual([2, 6]);
  });

  it('folds case and NFKC but keeps the exact form', () => {
    const [gpt] = tokenize('ＧＰＴ');
    expect(gpt).toMatchObject({ start: 0, end: 3, exact: 'GPT', folded: 'gpt' });
    expect(tokenize('Straße')[0]!.folded).toBe('strasse');
    expect(tokenize('STRASSE')[0]!.folded).toBe('strasse');
    expect(tokenize('ﬁne')[0]!.folded).toBe('fine');
  });

  it('keeps letters with diacritics, decomposed or not, inside one token', () => {
    expect(words('naïve café')).toEqual(['naïve', 'café']);
    const decomposed = 'cafe\u0301 ok';
    expect(words(decomposed)).toEqual(['cafe\u0301', 'ok']);
    expect(tokenize(decomposed)[0]!.folded).toBe('café');
  });

  it('ignores invisible format characters inside a word', () => {
    const text = 'perfor\u00admance zero\u200bwidth';
    expect(words(text)).toEqual(['perfor\u00admance', 'zero\u200bwidth']);
    expect(tokenize(text).map((t) => t.folded)).toEqual(['performance', 'zerowidth']);
  });

  it('makes every Han, Hiragana and Katakana character a token of its own', () => {
    expect(words('大規模言語モデル')).toEqual(['大', '規', '模', '言', '語', 'モ', 'デ', 'ル']);
    expect(words('GPTモデルです')).toEqual(['GPT', 'モ', 'デ', 'ル', 'で', 'す']);
    // Hangul is written with spaces between words: ordinary tokens.
    expect(words('대규모 언어 모델')).toEqual(['대규모', '언어', '모델']);
  });

  it('handles characters outside the Basic Multilingual Plane', () => {
    const text = '𝐀𝐁 x 𠀋𠀌';
    expect(words(text)).toEqual(['𝐀𝐁', 'x', '𠀋', '𠀌']);
    expect(tokenize(text)[0]!.folded).toBe('ab');
  });

  it('records the canonical gap before each token', () => {
    expect(tokenize('open–closed  gap. memory').map((t) => t.gap)).toEqual(['', ' ', ' ', '.']);
  });
});

describe('canonicalGap', () => {
  it('makes whitespace, hyphens, dashes and underscores one soft gap', () => {
    for (const gap of ['', ' ', '-', '–', '—', '‐', ' - ', '_', '\n\t', '\u00a0', '\u00ad', '\u3000']) {
      expect(canonicalGap(gap), JSON.stringify(gap)).toBe(SOFT_GAP);
    }
  });

  it('keeps other punctuation without whitespace, with straight quotes', () => {
    expect(canonicalGap('. ')).toBe('.');
    expect(canonicalGap('’')).toBe("'");
    expect(canonicalGap(' “')).toBe('"');
    expect(canonicalGap(', ')).toBe(',');
  });
});

describe('isCaseSensitiveToken', () => {
  it('is true for acronyms and words with an inner capital', () => {
    for (const t of ['RAG', 'AI', 'LLMs', 'CoT', 'ReAct', 'MetaGPT', 'iPhone', 'ＧＰＴ']) {
      expect(isCaseSensitiveToken(t), t).toBe(true);
    }
  });

  it('is false for ordinary and capitalized words', () => {
    for (const t of ['rag', 'Open', 'Claude', 'A', 'gap', '4o', 'Straße']) expect(isCaseSensitiveToken(t), t).toBe(false);
  });
});

describe('hasLetterOrDigit', () => {
  it('finds a letter or digit of any script, and nothing in punctuation, space or symbols', () => {
    for (const t of ['a', '  7 ', '— x', 'Ünïcode', '日本', '—жук', '٣', '\u00a0ß', 'ｇ']) expect(hasLetterOrDigit(t), t).toBe(true);
    for (const t of ['', ' ', '\n\t', '—', '… «» ©', '\u00a0\u200b', '😀', '.,;:!?']) expect(hasLetterOrDigit(t), t).toBe(false);
  });

  it('agrees with the Unicode property pattern on every code point of the Basic Multilingual Plane', () => {
    const pattern = /[\p{L}\p{N}]/u;
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      if (hasLetterOrDigit(ch) !== pattern.test(ch)) expect.fail(`U+${c.toString(16)}`);
    }
  });
});

describe('lazyRegExp', () => {
  it('builds its pattern once, on first use', () => {
    const pattern = lazyRegExp('\\p{Lu}', 'u');
    expect(pattern()).toBe(pattern());
    expect(pattern().test('aB')).toBe(true);
    expect(pattern().test('ab')).toBe(false);
  });
});

describe('canonicalPhrase', () => {
  it('folds ordinary words, keeps acronyms and normalizes gaps', () => {
    expect(canonicalPhrase('Open–Closed  Model Gap')).toBe('open closed model gap');
    expect(canonicalPhrase('How to Use MCP')).toBe('how to use MCP');
    expect(canonicalPhrase('Node.js')).toBe('node.js');
    expect(canonicalPhrase('“Chain of Thought”')).toBe('chain of thought');
    expect(canonicalPhrase('大規模 言語モデル')).toBe('大規模 言語モデル');
  });

  it('is idempotent', () => {
    for (const text of ['Open-Closed Model Gap', 'MetaGPT: SOPs', 'GPT-4.5 Turbo', 'Straße']) {
      expect(canonicalPhrase(canonicalPhrase(text))).toBe(canonicalPhrase(text));
    }
  });
});

describe('TokenCursor', () => {
  it('hashes ASCII tokens as hashKey hashes their folded form', () => {
    const text = 'Open RAG agents x42';
    const cursor = new TokenCursor(text);
    let tokens = 0;
    while (cursor.next()) {
      tokens++;
      expect(cursor.foldedHash).toBe(hashKey(foldCase(text.slice(cursor.start, cursor.end))));
    }
    expect(tokens).toBe(4);
  });

  it('flags capitals and tokens that need a full fold', () => {
    const cursor = new TokenCursor('Open ﬁne über');
    cursor.next();
    expect([cursor.ascii, cursor.upper]).toEqual([true, true]);
    cursor.next();
    expect([cursor.ascii, cursor.simple]).toEqual([false, false]);
    cursor.next();
    expect([cursor.ascii, cursor.simple]).toEqual([false, true]);
    expect(cursor.next()).toBe(false);
  });
});

describe('firstKeyOf', () => {
  it('gives the key of a canonical phrase\'s first token', () => {
    expect(firstKeyOf('open closed gap')).toBe('open');
    expect(firstKeyOf('MCP')).toBe('MCP');
    expect(firstKeyOf('node.js')).toBe('node');
    expect(firstKeyOf('大規模言語モデル')).toBe('大');
    expect(firstKeyOf('')).toBe('');
  });
});
