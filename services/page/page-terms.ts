/**
 * Every term on a page with how often it occurs, for the side panel's "On this
 * page". Counted afresh on each request (a full pass costs about what the
 * first scan did) rather than kept up to date through every page change.
 */
import type { Matcher } from '../../lib/match/matcher';
import { TopicGate } from '../../lib/match/topic-gate';
import type { PageTerm } from '../../lib/protocol';
import { textRuns, type ScanRules } from './scanner';

export function pageTerms(
  doc: Document,
  matcher: Matcher,
  rules: ScanRules,
  titleOf: (id: string) => string,
  gateOnTopic = true,
): PageTerm[] {
  const root = doc.body ?? doc.documentElement;
  if (!root) return [];
  const found = new Map<string, PageTerm>();
  // The same judgement as the marks: an off-topic page lists no everyday-sounding terms.
  const gate = new TopicGate<string>(gateOnTopic && matcher.hasSignals);
  const runs = textRuns(root, rules);
  for (let step = runs.next(); !step.done; step = runs.next()) {
    const run = step.value;
    for (const match of matcher.findAll(run.text, gate.evidenceToGather)) {
      const id = match.ids[0]!;
      gate.admit(match, id, () => id);
      const known = found.get(id);
      if (known) known.count++;
      else found.set(id, { id, title: titleOf(id), text: run.text.slice(match.start, match.end), count: 1 });
    }
    gate.release();
  }
  // While closed the gate held every term found: a page off the subject lists none.
  return gate.open ? [...found.values()] : [];
}
