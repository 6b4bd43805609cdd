/**
 * Deterministic synthetic articles with full texts, for size and speed
 * measurements of the search. Words follow a Zipf distribution over a
 * vocabulary that grows with the base, as real text does (Heaps' law), so
 * index sizes and posting-list lengths look like a real wiki's rather than
 * like random strings'.
 */
import type { Article } from '../../lib/article';
import { seededRandom } from './synthetic-wiki';

const DOMAIN_WORDS = [
  'agent', 'agents', 'model', 'models', 'language', 'retrieval', 'generation', 'reasoning', 'planning', 'memory',
  'tools', 'tool', 'prompt', 'prompting', 'context', 'protocol', 'benchmark', 'evaluation', 'training', 'inference',
  'transformer', 'attention', 'embedding', 'embeddings', 'vector', 'database', 'fine', 'tuning', 'reinforcement',
  'learning', 'feedback', 'human', 'alignment', 'safety', 'open', 'closed', 'source', 'performance', 'gap',
  'framework', 'multi', 'orchestration', 'workflow', 'chain', 'thought', 'tree', 'graph', 'search', 'decoding',
  'token', 'tokens', 'window', 'latency', 'throughput', 'quantization', 'distillation', 'mixture', 'experts',
  'hallucination', 'grounding', 'citation', 'document', 'index', 'chunk', 'ranking', 'reranker', 'pipeline',
];

const SYLLABLES = ['ka', 'to', 'ri', 'mo', 'len', 'sa', 'vi', 'no', 'dra', 'pe', 'lu', 'xen', 'qua', 'bri', 'ost',
  'mer', 'tal', 'gon', 'phi', 'rex', 'dun', 'ces', 'ly', 'mar', 'ent', 'ion', 'ab', 'ul', 'ter', 'ism'];

/** Real prose is half function words; they take the top ranks of the distribution. */
const FUNCTION_WORDS = [
  'the', 'of', 'and', 'a', 'to', 'in', 'is', 'that', 'for', 'it', 'as', 'with', 'on', 'by', 'be', 'this', 'are',
  'from', 'or', 'an', 'which', 'can', 'its', 'their', 'these', 'such', 'more', 'than', 'when', 'into',
];

function makeVocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>([...FUNCTION_WORDS, ...DOMAIN_WORDS]);
  while (words.size < size) {
    const syllables = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Samples ranks 0..n-1 with probability ~ 1/(rank+1)^s through a precomputed cumulative table. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / Math.pow(i + 1, s);
    cumulative[i] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export interface SyntheticOptions {
  seed?: number;
  /** Words in the body text, on average (agentwiki.org articles run to about 600). */
  wordsPerArticle?: number;
}

export function searchCorpus(count: number, options: SyntheticOptions = {}): Article[] {
  const random = seededRandom(options.seed ?? 42);
  const wordsPerArticle = options.wordsPerArticle ?? 600;
  // Heaps' law with typical English constants: V ~ 40 * N^0.5 over N running words.
  const vocabularySize = Math.min(200_000, Math.max(2_000, Math.round(40 * Math.sqrt(count * wordsPerArticle))));
  const vocabulary = makeVocabulary(vocabularySize, random);
  const nextWord = zipfSampler(vocabulary.length, 1.05, random);
  const word = () => vocabulary[nextWord()]!;
  // Title words come from the middle of the distribution: named things, not "the".
  const titleWord = () => vocabulary[100 + Math.floor(random() * Math.min(vocabulary.length - 100, 20_000))]!;
  const tagPool = Array.from({ length: 200 }, (_, i) => `tag-${vocabulary[200 + i]}`);

  const sentence = (length: number) => {
    const words = Array.from({ length }, word);
    return `${capitalise(words.join(' '))}.`;
  };

  const articles: Article[] = [];
  const ids = new Set<string>();
  for (let n = 0; articles.length < count; n++) {
    const titleWords = Array.from({ length: 1 + Math.floor(random() * 4) }, () => capitalise(titleWord()));
    let title = titleWords.join(' ');
    let id = titleWords.join('_').toLowerCase();
    if (ids.has(id)) id = `${id}_${n}`;
    ids.add(id);
    const acronym = titleWords.length > 1 && random() < 0.25 ? titleWords.map((w) => w[0]).join('').toUpperCase() : '';
    if (acronym) title += ` (${acronym})`;
    const boldTerms = [titleWords.join(' '), ...(acronym ? [acronym] : [])];
    const summary = `${boldTerms[0]} is ${sentence(14 + Math.floor(random() * 10))} ${sentence(12 + Math.floor(random() * 12))}`;
    const bodyWords = Math.max(20, Math.round(wordsPerArticle * (0.4 + random() * 1.2)));
    const paragraphs: string[] = [summary];
    for (let written = 0; written < bodyWords; ) {
      const length = 8 + Math.floor(random() * 18);
      paragraphs.push(sentence(length));
      written += length;
    }
    const text = `${title}\n${paragraphs.join(' ')}`;
    const tags = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => tagPool[Math.floor(random() * tagPool.length)]!))];
    articles.push({
      id,
      title,
      html: `<h1>${title}</h1><p>${paragraphs.join('</p><p>')}</p>`,
      text,
      summary,
      boldTerms,
      links: [],
      tags,
      modified: 1_700_000_000_000 + Math.floor(random() * 1e10),
    });
  }
  return articles;
}

/**
 * Queries as people type them, picked from the articles so that they find
 * something: whole titles, title prefixes mid-word, acronyms, two body words,
 * a misspelt word, and a word with no article.
 */
export function searchQueries(articles: readonly Article[], count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const pick = () => articles[Math.floor(random() * articles.length)]!;
  const queries: string[] = [];
  while (queries.length < count) {
    const article = pick();
    const kind = queries.length % 6;
    const words = article.text.split(/\s+/).filter((w) => w.length > 3);
    const bodyWord = () => (words[Math.floor(random() * words.length)] ?? 'agent').replace(/\W/g, '');
    if (kind === 0) queries.push(article.title.replace(/\s*\(.*\)/, ''));
    else if (kind === 1) queries.push(article.title.slice(0, 3 + Math.floor(random() * 5)));
    else if (kind === 2) queries.push(article.boldTerms[1] ?? article.title.split(' ')[0]!);
    else if (kind === 3) queries.push(`${bodyWord()} ${bodyWord()}`);
    else if (kind === 4) {
      const w = bodyWord();
      queries.push(w.length > 4 ? `${w.slice(0, 2)}${w[3]}${w[2]}${w.slice(4)}` : w);
    } else queries.push(`${DOMAIN_WORDS[Math.floor(random() * DOMAIN_WORDS.length)]} ${bodyWord().slice(0, 4)}`);
  }
  return queries;
}
