/** One marked occurrence of a term on the page. */
export interface TermOccurrence {
  /** The text it covers; in marks mode it spans its <agentwiki-mark> elements. */
  range: Range;
  /** The ids of the articles that claim it, joined by '\n': one key per term. */
  termKey: string;
  /** Article ids, best first. */
  ids: string[];
  /** The text as it stands on the page. */
  text: string;
  /** The text nodes the range covers, for hit-testing. */
  nodes: Text[];
}

export const termKeyOf = (ids: readonly string[]): string => ids.join('\n');
