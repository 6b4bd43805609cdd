/**
 * Reconfiguring a running local DokuWiki (scripts/local-wiki.ts) the way its
 * admin would: DokuWiki reads conf/local.php and conf/acl.auth.php on every
 * request, so a change applies to the next one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalWiki } from '../../scripts/local-wiki';

const phpValue = (value: string | number) => (typeof value === 'number' ? String(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** Sets `$conf[key] = value;` lines in conf/local.php (replacing earlier ones), and returns a function that restores the file. */
export async function setWikiConf(wiki: LocalWiki, settings: Record<string, string | number>): Promise<() => Promise<void>> {
  const file = join(wiki.dir, 'conf', 'local.php');
  const original = await readFile(file, 'utf8');
  let text = original;
  for (const [key, value] of Object.entries(settings)) {
    const line = `$conf['${key}'] = ${phpValue(value)};`;
    const pattern = new RegExp(`^\\$conf\\['${key}'\\]\\s*=.*$`, 'm');
    text = pattern.test(text) ? text.replace(pattern, () => line) : `${text.trimEnd()}\n${line}\n`;
  }
  await writeFile(file, text);
  return () => writeFile(file, original);
}

/** Replaces conf/acl.auth.php with these lines ("*\t@ALL\t1" ...), and returns a function that restores it. */
export async function setWikiAcl(wiki: LocalWiki, lines: string[]): Promise<() => Promise<void>> {
  const file = join(wiki.dir, 'conf', 'acl.auth.php');
  const original = await readFile(file, 'utf8');
  await writeFile(file, `${lines.join('\n')}\n`);
  return () => writeFile(file, original);
}
