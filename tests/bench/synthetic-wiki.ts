/**
 * A deterministic synthetic knowledge base and page text for benchmarks:
 * titles shaped like agentwiki.org's (plain names, "Name: subtitle",
 * "Long Name (ACRONYM)", guides, comparisons, digests), made of invented words
 * so that 50,000 of them stay distinct.
 */
import type { TermSource } from '../../lib/match/term-table';

/** mulberry32: a tiny seeded PRNG, so every run measures the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'von', 'rax', 'sel', 'dra', 'qui', 'bel', 'nor', 'tis', 'gam', 'pho', 'zen', 'lur'];
const DOMAIN_WORDS = [
  'agent', 'model', 'reasoning', 'retrieval', 'planning', 'memory', 'benchmark', 'protocol', 'framework', 'alignment',
  'transformer', 'attention', 'inference', 'evaluation', 'orchestration', 'embedding', 'gap', 'performance', 'open',
  'closed', 'language', 'learning', 'policy', 'reward', 'search', 'tool', 'graph', 'vision', 'speech', 'safety',
];
const PROSE = (
  'the of and to in is that for it as with was on be by this are from or have an they which one you were her all ' +
  'she there would their we him been has when who will more no if out so said what up its about into than them can ' +
  'only other new some could time these two may then do first any my now such like our over man me even most made ' +
  'after also did many before must through back years where much your way well down should because each just those ' +
  'people how too little state good very make world still own see men work long get here between both life being ' +
  'under never day same another know while last might us great old year off come since against go came right used'
).split(' ');

function inventedWord(random: () => number): string {
  const n = 2 + Math.floor(random() * 2);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return w;
}

const capitalize = (w: string) => w[0]!.toUpperCase() + w.slice(1);

/** `count` articles with distinct ids. */
export function syntheticArticles(count: number, seed = 1): TermSource[] {
  const random = seededRandom(seed);
  const articles: TermSource[] = [];
  const ids = new Set<string>();
  while (articles.length < count) {
    const name = capitalize(inventedWord(random));
    const extra = () =>
      random() < 0.5 ? DOMAIN_WORDS[Math.floor(random() * DOMAIN_WORDS.length)]! : inventedWord(random);
    const shape = random();
    let title: string;
    const boldTerms: string[] = [];
    if (shape < 0.35) title = `${name} ${capitalize(extra())}`;
    else if (shape < 0.55) title = name;
    else if (shape < 0.7) title = `${name}: ${capitalize(extra())} ${capitalize(extra())} with ${capitalize(extra())}`;
    else if (shape < 0.82) {
      const words = [name, capitalize(extra()), capitalize(extra())];
      title = `${words.join(' ')} (${words.map((w) => w[0]).join('').toUpperCase()})`;
    } else if (shape < 0.9) title = `${capitalize(extra())}-${capitalize(extra())} ${name} ${capitalize(extra())}`;
    else if (shape < 0.95) title = `How to Use ${name}`;
    else title = `${name} vs ${capitalize(inventedWord(random))}`;
    if (random() < 0.3) boldTerms.push(title.split(/[:(]/)[0]!.trim());
    let id = title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
    if (shape >= 0.95) id = id.replace('_vs_', '_vs_');
    if (ids.has(id)) continue;
    ids.add(id);
    articles.push({ id, title, summary: `${title} is a synthetic article.`, boldTerms });
  }
  return articles;
}

/**
 * About `size` characters of prose in paragraphs of ~600 characters, with a
 * mention of a random article title every ~`termEvery` words.
 */
export function syntheticText(size: number, articles: readonly TermSource[], termEvery = 120, seed = 7): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  let length = 0;
  let paragraph = 0;
  while (length < size) {
    let word: string;
    if (articles.length && random() < 1 / termEvery) {
      word = articles[Math.floor(random() * articles.length)]!.title.split(/[:(]/)[0]!.trim();
    } else {
      word = PROSE[Math.floor(random() * PROSE.length)]!;
    }
    parts.push(word);
    length += word.length + 1;
    paragraph += word.length + 1;
    if (paragraph > 600) {
      parts.push('.\n\n');
      paragraph = 0;
    }
  }
  return parts.join(' ');
}
