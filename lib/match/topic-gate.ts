/**
 * Holds back the terms of a page until the page shows it is about the
 * knowledge base's subject. On an allotment blog, "fine-tuning" (of a plan)
 * and "tool use" (by crows) are no terms; in a project status report, "RAG"
 * is Red/Amber/Green. On a page that also says "LLM" or "LangChain" they are
 * terms.
 *
 * Evidence, distinct items only: an inner-capital name the table uses
 * ("LangChain", "CoT") weighs 2, an all-capitals acronym ("RAG", "AI") 1,
 * since short acronyms have meanings in every trade, and a term without
 * either ("fine-tuning") 1/3. The gate opens at 2, and then lets out what it
 * held, in the order found. (An allotment blog of the golden pages holds four
 * such terms — "fine-tuning", "tool use", "Claude" Monet, "Llama"s — and no
 * acronym.) A wiki whose terms have no acronym or
 * inner-capital word at all gives no signals and is never gated (`enabled`
 * false).
 */
import type { MatchEvidence } from './matcher';
import { lazyRegExp } from './normalize';

const LOWER_CASE_LETTER = lazyRegExp('\\p{Ll}', 'u');

/** Evidence at which a page counts as on the subject. */
export const OPEN_AT = 2;
/** Everyday-sounding terms that weigh as much as one acronym. */
export const WEAK_TERMS_PER_SIGNAL = 3;

export class TopicGate<T> {
  /** Filled by `Matcher.findAll` while the gate is closed. */
  readonly evidence: MatchEvidence = { signals: new Set() };
  private isOpen: boolean;
  private readonly held: T[] = [];
  private readonly heldKeys = new Set<string>();
  private readonly weakKeys = new Set<string>();

  constructor(enabled: boolean) {
    this.isOpen = !enabled;
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** The evidence object to pass to findAll, or undefined once it is no longer needed. */
  get evidenceToGather(): MatchEvidence | undefined {
    return this.isOpen ? undefined : this.evidence;
  }

  /**
   * Offers one found term: returns it when the gate is open, else holds it
   * (the first of each key) and returns nothing.
   */
  admit(match: { strong: boolean }, key: string, item: () => T): T[] {
    if (this.isOpen) return [item()];
    if (!match.strong) this.weakKeys.add(key);
    if (!this.heldKeys.has(key)) {
      this.heldKeys.add(key);
      this.held.push(item());
    }
    return [];
  }

  /**
   * Call after each text run: opens the gate if the evidence now suffices and
   * returns the held items (in the order found) to use, once.
   */
  release(): T[] {
    if (!this.isOpen && this.weight() >= OPEN_AT) this.isOpen = true;
    if (!this.isOpen) return [];
    this.heldKeys.clear();
    return this.held.splice(0);
  }

  /** Whether a term of this key is already held: a caller can skip the work of making another. */
  isHolding(key: string): boolean {
    return this.heldKeys.has(key);
  }

  /** Items still held (a page without evidence so far). */
  get holding(): readonly T[] {
    return this.held;
  }

  private weight(): number {
    let weight = this.weakKeys.size / WEAK_TERMS_PER_SIGNAL;
    for (const signal of this.evidence.signals) weight += LOWER_CASE_LETTER().test(signal) ? 2 : 1;
    return weight;
  }
}
