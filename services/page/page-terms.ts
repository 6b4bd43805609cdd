/**
 * Every term on a page with how often it occurs, for the side panel's "On this
 * page": the top document, its open shadow roots and its same-origin frames. Counted afresh on each request (a full pass costs about what the
 * first scan did) rather than kept up to date through every page change.
 */
import type { Matcher } from '../../lib/match/matcher';
import { TopicGate } from '../../lib/match/topic-gate';
import type { PageTerm } from '../../lib/protocol';
import { textRuns, type ScanRules } from './scanner';

export interface PageTermsOptions {
  /** The same judgement as the marks: an off-topic page lists no everyday-sounding terms. */
  gateOnTopic?: boolean;
  /** Read same-origin frames too. */
  withFrames?: boolean;
  /** Reads the shards a sharded table's matcher reports missing (see page-session.ts). */
  loadShards?(shards: number[]): Promise<void>;
}

export async function pageTerms(
  doc: Document,
  matcher: Matcher,
  rules: ScanRules,
  titleOf: (id: string) => string,
  options: PageTermsOptions = {},
): Promise<PageTerm[]> {
  // With a sharded table, a first pass finds the shards the page needs; the
  // second, with them read, counts (a shard that cannot be read is added empty).
  for (let pass = 0; ; pass++) {
    const missing = new Set<number>();
    const terms = countTerms(doc, matcher, rules, titleOf, options, missing);
    if (!missing.size || !options.loadShards || pass > 0) return terms;
    await options.loadShards([...missing]);
  }
}

function countTerms(
  doc: Document,
  matcher: Matcher,
  rules: ScanRules,
  titleOf: (id: string) => string,
  { gateOnTopic = true, withFrames = true }: PageTermsOptions,
  missing: Set<number>,
): PageTerm[] {
  const found = new Map<string, PageTerm>();
  const gate = new TopicGate<string>(gateOnTopic && matcher.hasSignals);
  // Open shadow roots are read where they stand; same-origin frames after the page.
  const docs: Document[] = [doc];
  const onFrame = (frame: HTMLIFrameElement) => {
    try {
      const frameDoc = frame.contentDocument;
      if (frameDoc && !docs.includes(frameDoc)) docs.push(frameDoc);
    } catch {
      // A cross-origin frame is not ours to read.
    }
  };
  for (let d = 0; d < docs.length; d++) {
    const root = docs[d]!.body ?? docs[d]!.documentElement;
    if (!root) continue;
    const runs = textRuns(root, rules, withFrames ? { onFrame } : {});
    for (let step = runs.next(); !step.done; step = runs.next()) {
      const run = step.value;
      for (const match of matcher.findAll(run.text, gate.evidenceToGather, missing)) {
        const id = match.ids[0]!;
        gate.admit(match, id, () => id);
        const known = found.get(id);
        if (known) known.count++;
        else found.set(id, { id, title: titleOf(id), text: run.text.slice(match.start, match.end), count: 1 });
      }
      gate.release();
    }
  }
  // While closed the gate held every term found: a page off the subject lists none.
  return gate.open ? [...found.values()] : [];
}
