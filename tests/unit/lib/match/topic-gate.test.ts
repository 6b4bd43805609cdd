import { describe, expect, it } from 'vitest';
import { OPEN_AT, TopicGate, WEAK_TERMS_PER_SIGNAL } from '../../../../lib/match/topic-gate';

const weak = { strong: false };
const strong = { strong: true };

describe('TopicGate', () => {
  it('holds every term, the first of each key, until the evidence suffices, then lets them out in order', () => {
    const gate = new TopicGate<string>(true);
    expect(gate.admit(weak, 'fine_tuning', () => 'fine-tuning')).toEqual([]);
    expect(gate.admit(weak, 'fine_tuning', () => 'fine-tuning again')).toEqual([]);
    expect(gate.admit(strong, 'rag', () => 'RAG')).toEqual([]);
    gate.evidenceToGather!.signals.add('RAG');
    expect(gate.release()).toEqual([]);
    expect(gate.open).toBe(false);
    gate.evidenceToGather!.signals.add('LLM');
    expect(gate.release()).toEqual(['fine-tuning', 'RAG']);
    expect(gate.open).toBe(true);
    expect(gate.evidenceToGather).toBeUndefined();
    expect(gate.admit(weak, 'memory', () => 'agent memory')).toEqual(['agent memory']);
  });

  it('takes one all-capitals acronym for no evidence: "RAG" is also Red/Amber/Green', () => {
    const gate = new TopicGate<string>(true);
    gate.admit(strong, 'rag', () => 'RAG');
    gate.evidence.signals.add('RAG');
    expect(gate.release()).toEqual([]);
    expect(gate.holding).toEqual(['RAG']);
  });

  it('takes one inner-capital name for enough evidence', () => {
    const gate = new TopicGate<string>(true);
    gate.admit(strong, 'langchain', () => 'LangChain');
    gate.evidence.signals.add('LangChain');
    expect(gate.release()).toEqual(['LangChain']);
  });

  it(`weighs everyday-sounding terms at 1/${WEAK_TERMS_PER_SIGNAL} each`, () => {
    const enough = OPEN_AT * WEAK_TERMS_PER_SIGNAL;
    const gate = new TopicGate<string>(true);
    for (let i = 0; i < enough - 1; i++) gate.admit(weak, `t${i}`, () => `t${i}`);
    expect(gate.release()).toEqual([]);
    gate.admit(weak, 'last', () => 'last');
    expect(gate.release()).toHaveLength(enough);
  });

  it('is open from the start when disabled', () => {
    const gate = new TopicGate<string>(false);
    expect(gate.open).toBe(true);
    expect(gate.admit(weak, 'x', () => 'x')).toEqual(['x']);
  });

  it('keeps what it holds for a page that never shows evidence', () => {
    const gate = new TopicGate<string>(true);
    gate.admit(weak, 'tool_use', () => 'tool use');
    gate.release();
    expect(gate.holding).toEqual(['tool use']);
    expect(gate.isHolding('tool_use')).toBe(true);
    expect(gate.isHolding('rag')).toBe(false);
  });
});
