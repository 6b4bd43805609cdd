// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cleanId, resolveMediaId, resolvePageId, sectionId, simpleName } from '../../../../lib/wiki/page-id';

// Expected values are what DokuWiki 2022-07-31 itself produced for the same
// input (see tests/fixtures/wiki: the links and headings of syntax:*).
describe('cleanId', () => {
  it.each([
    ['MetaGPT', 'metagpt'],
    ['Chain of Thought', 'chain_of_thought'],
    ['  ai:RLHF  ', 'ai:rlhf'],
    ['Ünïcödé Page', 'uenicoede_page'],
    ['alert(1)', 'alert_1'],
    ['a//b', 'a_b'],
    ['ns;page', 'ns:page'],
    ['::a:::b::', 'a:b'],
    ['_a_:_b_', 'a:b'],
    ['a.-_:b', 'a:b'],
    ['what? *really*!', 'what_really'],
    ['', ''],
  ])('%j is %j', (raw, id) => {
    expect(cleanId(raw)).toBe(id);
  });
});

describe('sectionId', () => {
  it('makes heading anchors as DokuWiki does', () => {
    expect(sectionId('MetaGPT: Multi-Agent Framework with SOPs')).toBe('metagptmulti-agent_framework_with_sops');
    expect(sectionId('Reinforcement Learning from Human Feedback (RLHF)')).toBe(
      'reinforcement_learning_from_human_feedback_rlhf',
    );
    expect(sectionId('1. Introduction')).toBe('introduction');
    expect(sectionId('2024')).toBe('section2024');
    expect(sectionId('v1.2 notes')).toBe('v12_notes');
  });

  it('numbers repeated anchors when given the anchors already used', () => {
    const used: string[] = [];
    expect(sectionId('Level Two', used)).toBe('level_two');
    expect(sectionId('Level Two', used)).toBe('level_two1');
    expect(sectionId('Level Two', used)).toBe('level_two2');
    expect(used).toEqual(['level_two', 'level_two1', 'level_two2']);
  });
});

describe('resolvePageId', () => {
  const existing = new Set(['metagpt', 'papers:start', 'ai:ai', 'tools']);
  const exists = (id: string) => existing.has(id);

  it.each([
    // [page, link, resolved]
    ['metagpt', 'crewai', 'crewai'],
    ['papers:react', 'react_prompting', 'papers:react_prompting'],
    ['papers:react', ':react_prompting', 'react_prompting'],
    ['papers:react', 'ai:rlhf', 'ai:rlhf'],
    ['syntax:links', '.:formatting', 'syntax:formatting'],
    ['syntax:links', '..:ai:rlhf', 'ai:rlhf'],
    ['syntax:links', '~sub', 'syntax:links:sub'],
    ['syntax:links', 'Missing Page', 'syntax:missing_page'],
    ['syntax:links', 'metagpt#Core Idea', 'syntax:metagpt#core_idea'],
    ['syntax:links', '', 'syntax:links'],
    ['x', 'papers:', 'papers:start'],
    ['x', 'ai:', 'ai:ai'],
    ['x', 'tools:', 'tools'],
    ['x', 'none:', 'none:start'],
  ])('on %s, [[%s]] is %s', (page, link, resolved) => {
    expect(resolvePageId(page, link, exists)).toBe(resolved);
  });

  it('resolves media ids relative to the page, without start pages', () => {
    expect(resolveMediaId('syntax:stress', 'left.png')).toBe('syntax:left.png');
    expect(resolveMediaId('syntax:stress', ':rel.pdf')).toBe('rel.pdf');
    expect(resolveMediaId('syntax:stress', 'wiki:Logo.PNG')).toBe('wiki:logo.png');
  });
});

describe('simpleName', () => {
  it('is the last segment, or the namespace for a start page', () => {
    expect(simpleName('papers:instructgpt')).toBe('instructgpt');
    expect(simpleName('papers:')).toBe('papers');
    expect(simpleName('papers:start')).toBe('papers');
    expect(simpleName('start')).toBe('start');
  });
});
