// @vitest-environment node
import { parseDocument } from 'htmlparser2';
import type { AnyNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, boundNesting } from '../../../../lib/wiki/html-nesting';
import { fixture } from './wiki-fixtures';

/** The deepest element of the tree htmlparser2 builds, counted without recursion. */
function depthOf(html: string): number {
  let deepest = 0;
  const stack: Array<[AnyNode, number]> = parseDocument(html).children.map((node) => [node, 1]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if ('children' in node && node.type !== 'root') {
      deepest = Math.max(deepest, depth);
      for (const child of node.children) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

describe('boundNesting', () => {
  it('returns ordinary pages unchanged', () => {
    const html = fixture('syntax:stress').html;
    expect(boundNesting(html)).toBe(html);
    expect(boundNesting('')).toBe('');
  });

  it('drops wrappers beyond the limit but keeps their text and the paragraph inside', () => {
    const html = `${'<div>'.repeat(5_000)}<p>Inside <strong>bold</strong></p>${'</div>'.repeat(5_000)}`;
    const bounded = boundNesting(html);
    expect(depthOf(bounded)).toBeLessThanOrEqual(MAX_NESTING + 2);
    expect(bounded).toContain('<p>Inside <strong>bold</strong></p>');
  });

  it('keeps the bound when closing tags do not match (the parser would not pop)', () => {
    const html = '<b>x</i>'.repeat(20_000);
    const bounded = boundNesting(html);
    expect(depthOf(bounded)).toBeLessThanOrEqual(MAX_NESTING + 64);
    expect(bounded.split('x')).toHaveLength(20_001);
  });

  it('makes a page of a million unclosed tags cheap to parse', () => {
    const bounded = boundNesting(`${'<b>'.repeat(1_000_000)}end`);
    expect(depthOf(bounded)).toBeLessThanOrEqual(MAX_NESTING + 64);
    expect(bounded.endsWith('end')).toBe(true);
  }, 30_000);

  it('does not count void elements or script text as nesting', () => {
    const html = `<p>${'<br><img src=x>'.repeat(2_000)}<script>${'<div>'.repeat(2_000)}</script></p>`;
    expect(boundNesting(html)).toBe(html);
  });
});
