/**
 * Everyday words that never become a term on their own: an article titled
 * "Memory" or "Planning" must not mark every "memory" and "planning" on the
 * web. Phrases that contain them ("agent memory", "chain of thought") are
 * unaffected.
 *
 * Where the words come from:
 * - FUNCTION_WORDS: the Snowball English stop-word list
 *   (snowballstem.org/algorithms/english/stop.txt, also shipped by NLTK as
 *   `stopwords.words('english')`), without its contractions.
 * - EVERYDAY_WORDS: the commonest nouns, verbs and adjectives of general
 *   English text, after the frequency lists of the Corpus of Contemporary
 *   American English (top ~100 nouns, ~100 verbs, ~100 adjectives).
 * - GENERIC_TECH_WORDS: words every page about software or AI uses in passing,
 *   chosen by reading the titles of agentwiki.org, where single-word titles
 *   such as "Memory", "Tools" or "Planning" name a broad topic, not a term.
 *
 * The lists hold base forms; `isCommonWord` also catches simple plurals and
 * "-ing"/"-ed" forms of them, so "models", "agents" and "planning" are caught
 * through "model", "agent" and "plan".
 */
const FUNCTION_WORDS = `
a about above after again against all am an and any are as at be because been
before being below between both but by can could did do does doing down during
each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours yourself
yourselves also may might must shall yet via per like etc vs
`;

const EVERYDAY_WORDS = `
time year people way day man thing woman life child world school state family
student group country problem hand part place case week company system program
question work government number night point home water room mother area money
story fact month lot right study book eye job word business issue side kind
head house service friend father power hour game line end member law car city
community name president team minute idea kid body information back parent
face others level office door health person art war history party result
change morning reason research girl guy moment air teacher force education
example way use fact thing
say get make go know take see come think look want give find tell ask seem
feel try leave call need become put mean keep let begin help talk turn start
show hear play run move live believe hold bring happen write provide sit
stand lose pay meet include continue set learn lead understand watch follow
stop create speak read allow add spend grow open walk win offer remember love
consider appear buy wait serve die send expect build stay fall cut reach kill
remain suggest raise pass sell require report decide pull act
new good high old great big small large national young different black long
little important political bad white real best better right social only
public sure low early able human local late hard major economic strong
possible whole free military true international full special easy clear
recent certain personal red difficult available likely short single medical
current wrong private past foreign fine common poor natural significant
similar hot dead central happy serious ready simple left physical general
financial blue dark various entire close legal cold final main green nice
huge popular traditional first last next own key basic top
one two three four five six seven eight nine ten hundred thousand million
`;

const GENERIC_TECH_WORDS = `
agent model tool memory plan data framework network learning training
inference reasoning prompt search index api code software hardware computer
internet web app application user task workflow pipeline output input token
context chat message server client cloud database file function feature test
performance benchmark evaluation language text image video audio vision
knowledge feedback action environment policy reward graph tree node layer
vector retrieval generation architecture algorithm method approach
technique paper safety security privacy alignment automation library platform
interface protocol service product version update release query response
request result analysis design process project module component instance
object type value key step stage phase loop cost latency speed quality error
debug deploy deployment integration tutorial guide overview introduction
comparison summary news digest reference
`;

const words = (list: string) => list.split(/\s+/).filter(Boolean);
const FUNCTION_WORD_SET: ReadonlySet<string> = new Set(words(FUNCTION_WORDS));
const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...FUNCTION_WORD_SET,
  ...words(EVERYDAY_WORDS),
  ...words(GENERIC_TECH_WORDS),
]);

/** Whether a folded word is a function word: "of", "the", "with". */
export function isFunctionWord(folded: string): boolean {
  return FUNCTION_WORD_SET.has(folded);
}

/** Whether a folded single word is an everyday word, in any simple inflection. */
export function isCommonWord(folded: string): boolean {
  if (COMMON_WORDS.has(folded)) return true;
  for (const base of baseForms(folded)) if (COMMON_WORDS.has(base)) return true;
  return false;
}

/** Candidate base forms of an inflected English word: plural, -ing, -ed. */
function baseForms(word: string): string[] {
  const forms: string[] = [];
  if (word.length > 3 && word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.length > 3 && word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.length > 2 && word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  for (const suffix of ['ing', 'ed']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      forms.push(stem, `${stem}e`);
      // Doubled final consonant: "planning" → "plan", "stopped" → "stop".
      if (stem.length > 2 && stem.at(-1) === stem.at(-2)) forms.push(stem.slice(0, -1));
    }
  }
  return forms;
}

/** The total size of the list, for the README and the tests. */
export const COMMON_WORD_COUNT = COMMON_WORDS.size;
