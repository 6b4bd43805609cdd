import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalGap, SOFT_GAP } from '../../../../lib/match/normalize';
import { blockOf, isInsideSkipped, RUN_BREAK, rangeInRun, textRuns, type TextRun } from '../../../../services/page/scanner';

const rules = { skipLinks: true };

function runsOf(html: string, skipLinks = true): string[] {
  document.body.innerHTML = html;
  return [...textRuns(document.body, { skipLinks })].map((run) => run.text);
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('textRuns', () => {
  it('joins the text of inline elements within a block', () => {
    expect(runsOf('<p>The open-<em>closed</em> <b>gap</b> widens.</p>')).toEqual(['The open-closed gap widens.']);
  });

  it('breaks at blocks, and puts a break no term spans at line breaks and images', () => {
    expect(runsOf('<div>one <p>two</p> three<br>four<img alt="">five</div><p>six</p>')).toEqual([
      `one ${RUN_BREAK}`,
      'two',
      ` three${RUN_BREAK}four${RUN_BREAK}five${RUN_BREAK}`,
      'six',
    ]);
    expect(canonicalGap(RUN_BREAK)).not.toBe(SOFT_GAP);
  });

  it('skips form fields, editable regions, code and hidden elements', () => {
    const html = `
      <p>keep one</p>
      <input value="no"><textarea>no</textarea><select><option>no</option></select>
      <div contenteditable="true"><p>no</p></div>
      <div contenteditable="false"><p>keep two</p></div>
      <div role="textbox">no</div>
      <pre>no</pre><p>a <code>no</code> b</p>
      <script>no</script><style>p{}</style><noscript>no</noscript><template><p>no</p></template>
      <svg><text>no</text></svg><math><mi>no</mi></math>
      <div hidden><p>no</p></div><button>no</button>
      <agentwiki-card>no</agentwiki-card>`;
    const texts = runsOf(html).map((t) => t.replaceAll(RUN_BREAK, '|').trim());
    expect(texts).toEqual(['keep one', 'keep two', 'a | b']);
  });

  it('skips links unless told not to', () => {
    expect(runsOf('<p>see <a href="/x">RAG</a> here</p>')).toEqual([`see ${RUN_BREAK} here`]);
    expect(runsOf('<p>see <a href="/x">RAG</a> here</p>', false)).toEqual(['see RAG here']);
    expect(runsOf('<p>an <a name="anchor">anchor</a> is text</p>')).toEqual(['an anchor is text']);
  });

  it('never returns runs without a letter or digit', () => {
    expect(runsOf('<p>  </p><p>—</p><p>x</p>')).toEqual(['x']);
  });

  it('reads the text inside our own fallback marks', () => {
    expect(runsOf('<p>use <agentwiki-mark>RAG</agentwiki-mark> now</p>')).toEqual(['use RAG now']);
  });

  it('scans a single text node or a subtree as root', () => {
    document.body.innerHTML = '<div><p id="p">hello <i>world</i></p><p>other</p></div>';
    const p = document.getElementById('p')!;
    expect([...textRuns(p, rules)].map((r) => r.text)).toEqual(['hello world']);
    expect([...textRuns(p.firstChild!, rules)].map((r) => r.text)).toEqual(['hello ']);
  });

  it('stops and says so when its place is removed while it is paused', () => {
    document.body.innerHTML = '<p>one</p><p>two</p><p>three</p>';
    const runs = textRuns(document.body, rules);
    expect(runs.next().value).toMatchObject({ text: `one${RUN_BREAK}` });
    document.body.innerHTML = '<p>new</p>';
    const step = runs.next();
    expect(step).toEqual({ done: true, value: false });
  });
});

describe('textRuns beyond the light tree', () => {
  it('reads an open shadow root where its host stands, as runs of its own, and reports it', () => {
    document.body.innerHTML = '<p>before</p><x-card id="host"><span>light</span></x-card><p>after</p>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>inside <b>shadow</b></p><slot></slot>';
    const seen: ShadowRoot[] = [];
    const texts = [...textRuns(document.body, rules, { onShadowRoot: (root) => seen.push(root) })].map((r) =>
      r.text.replaceAll(RUN_BREAK, '|'),
    );
    expect(texts).toEqual(['before|', 'inside shadow|', 'light|', 'after']);
    expect(seen).toEqual([shadow]);
  });

  it('reads the shadow roots of every kind of element that may host one', () => {
    const hosts = ['article', 'aside', 'blockquote', 'div', 'footer', 'h1', 'h6', 'header', 'main', 'nav', 'p', 'section', 'span', 'my-widget'];
    document.body.innerHTML = hosts.map((name) => `<${name} id="${name}"></${name}>`).join('');
    for (const name of hosts) document.getElementById(name)!.attachShadow({ mode: 'open' }).innerHTML = `<p>in ${name}</p>`;
    const texts = [...textRuns(document.body, rules)].map((r) => r.text.replaceAll(RUN_BREAK, ''));
    expect(texts).toEqual(hosts.map((name) => `in ${name}`));
  });

  it('reports iframes without reading them', () => {
    document.body.innerHTML = '<p>a</p><iframe id="f"></iframe><p>b</p>';
    const frames: Element[] = [];
    const texts = [...textRuns(document.body, rules, { onFrame: (f) => frames.push(f) })].map((r) => r.text.replaceAll(RUN_BREAK, ''));
    expect(texts).toEqual(['a', 'b']);
    expect(frames).toEqual([document.getElementById('f')]);
  });

  it('reads from an element to the end, or up to it', () => {
    document.body.innerHTML = '<p>one</p><div><p id="two">two</p><p>three</p></div><p>four</p>';
    const two = document.getElementById('two')!;
    const read = (options: { from?: Element; until?: Element }) =>
      [...textRuns(document.body, rules, options)].map((r) => r.text.replaceAll(RUN_BREAK, ''));
    expect(read({ from: two })).toEqual(['two', 'three', 'four']);
    expect(read({ until: two })).toEqual(['one']);
  });
});

describe('isInsideSkipped and blockOf', () => {
  it('knows when a node lies in skipped territory', () => {
    document.body.innerHTML = '<pre><span id="a">x</span></pre><p><a href="/" id="l"><b id="b">y</b></a><i id="c">z</i></p>';
    expect(isInsideSkipped(document.getElementById('a')!, rules)).toBe(true);
    expect(isInsideSkipped(document.getElementById('b')!.firstChild!, rules)).toBe(true);
    expect(isInsideSkipped(document.getElementById('c')!, rules)).toBe(false);
  });

  it('looks through shadow roots to their hosts', () => {
    document.body.innerHTML = '<a href="/" id="link"></a><div id="plain"></div>';
    const inLink = document.getElementById('link')!.attachShadow({ mode: 'open' });
    inLink.innerHTML = '<span>x</span>';
    const plain = document.getElementById('plain')!.attachShadow({ mode: 'open' });
    plain.innerHTML = '<span>y</span>';
    expect(isInsideSkipped(inLink.querySelector('span')!.firstChild!, rules)).toBe(true);
    expect(isInsideSkipped(inLink, rules)).toBe(true);
    expect(isInsideSkipped(plain.querySelector('span')!, rules)).toBe(false);
  });

  it('finds the block a node flows in', () => {
    document.body.innerHTML = '<p id="p">a <em><b id="b">b</b></em></p>';
    expect(blockOf(document.getElementById('b')!.firstChild!)).toBe(document.getElementById('p'));
  });
});

describe('rangeInRun', () => {
  it('maps run offsets back to text nodes, across inline elements', () => {
    document.body.innerHTML = '<p>The open-<em>closed</em> gap</p>';
    const [run] = [...textRuns(document.body, rules)] as TextRun[];
    const start = run!.text.indexOf('open');
    const end = run!.text.indexOf('gap') + 3;
    const { range, nodes } = rangeInRun(run!, start, end);
    expect(range.toString()).toBe('open-closed gap');
    expect(nodes.map((n) => n.data)).toEqual(['The open-', 'closed', ' gap']);
    expect(range.startContainer).toBe(nodes[0]);
    expect(range.startOffset).toBe(4);
    expect(range.endContainer).toBe(nodes[2]);
    expect(range.endOffset).toBe(4);
  });

  it('never starts or ends a range in an empty text node', () => {
    document.body.innerHTML = '<p>ab</p>';
    const p = document.querySelector('p')!;
    p.append(document.createTextNode(''), document.createTextNode('cd'));
    const [run] = [...textRuns(document.body, rules)] as TextRun[];
    const { range } = rangeInRun(run!, 2, 4);
    expect(range.toString()).toBe('cd');
    expect((range.startContainer as Text).data).toBe('cd');
  });
});
