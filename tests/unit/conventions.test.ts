/**
 * The project's conventions, as code: each failure message says how to fix it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(root, dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(relative(root, path)));
    else if (/\.(ts|tsx)$/.test(name)) out.push(relative(root, path));
  }
  return out;
}

const code = ['lib', 'services', 'components', 'entrypoints'].flatMap(sourceFiles);
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('conventions', () => {
  it('sets raw HTML only in the one sanitizer module', () => {
    const offenders = code.filter(
      (file) => file !== 'services/sanitize/article-html.ts' && /innerHTML|dangerouslySetInnerHTML/.test(read(file)),
    );
    expect(offenders, 'Render wiki HTML through sanitizeArticleHtml (services/sanitize/article-html.ts); elsewhere set text.').toEqual([]);
  });

  it('keeps lib/ pure: nothing of ours from outside lib, no browser or DOM', () => {
    const offenders = sourceFiles('lib').filter((file) => {
      const text = read(file);
      return (
        /from ['"](\.\.\/)+(services|components|entrypoints)\//.test(text) ||
        /from ['"]wxt/.test(text) ||
        /\b(document|window|browser|chrome)\./.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))
      );
    });
    expect(offenders, 'Move DOM, browser.* and service code to services/; lib/ stays pure.').toEqual([]);
  });

  it('lets components import only lib/', () => {
    const offenders = sourceFiles('components').filter((file) => /from ['"](\.\.\/)+(services|entrypoints)\//.test(read(file)));
    expect(offenders, 'Give components data and actions as props; the entrypoint wires the services.').toEqual([]);
  });

  it('handles every message of the protocol', () => {
    const protocol = read('lib/protocol.ts');
    const section = (name: string) => protocol.slice(protocol.indexOf(`export interface ${name}`)).split(/\n}\n/)[0]!;
    const typesIn = (text: string) => [...text.matchAll(/^\s+'([a-z-]+:[a-z-]+)':/gm)].map((m) => m[1]!);
    const background = read('entrypoints/background.ts');
    for (const type of typesIn(section('ToBackground'))) {
      expect(background, `Add a handler for '${type}' in entrypoints/background.ts.`).toContain(`'${type}'`);
    }
    const contentSide = code.filter((f) => f.startsWith('entrypoints/content-script') || f.startsWith('services/page/')).map(read).join('\n');
    for (const type of typesIn(section('ToContent'))) {
      expect(contentSide, `Handle '${type}' in the content script.`).toContain(`'${type}'`);
    }
  });

  it('imports explicitly (WXT auto-imports are off)', () => {
    const config = read('wxt.config.ts');
    expect(config).toMatch(/imports:\s*false/);
  });
});
