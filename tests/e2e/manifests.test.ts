/**
 * What each build's manifest declares, read from the real builds the other
 * end-to-end tests load into Chromium and Firefox.
 * WXT writes both from one configuration (wxt.config.ts) and changes it per
 * target on its own; these are the keys it has been seen to get wrong or
 * that the extension relies on.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { CONTENT_MAIN_FILE, CONTENT_SCRIPT_FILE, OPTIONAL_HOSTS } from '../../scripts/build-config';

async function manifestOf(dir: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
}

describe('the Chrome build (Manifest V3)', () => {
  it('declares the side panel, optional wiki hosts, both content-script stages and the compile hint', async () => {
    const dir = inject('liveExtensionDir');
    const manifest = await manifestOf(dir);
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.permissions).toContain('sidePanel');
    expect(manifest.side_panel).toEqual({ default_path: 'sidepanel.html' });
    expect(manifest.optional_host_permissions).toEqual(OPTIONAL_HOSTS);
    expect(manifest.content_scripts).toEqual([
      { matches: ['<all_urls>'], js: [CONTENT_SCRIPT_FILE], run_at: 'document_idle', all_frames: false },
    ]);
    expect(manifest.web_accessible_resources).toEqual([{ resources: [CONTENT_MAIN_FILE], matches: ['<all_urls>'], use_dynamic_url: true }]);
    expect((await readFile(join(dir, CONTENT_SCRIPT_FILE), 'utf8')).startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
    expect((await readFile(join(dir, CONTENT_MAIN_FILE), 'utf8')).startsWith('//#')).toBe(false);
  });
});

describe('the Firefox build (Manifest V2)', () => {
  const dir = inject('firefoxExtensionDir');

  it('asks for other wikis under optional_permissions, the key Manifest V2 reads', async () => {
    const manifest = await manifestOf(dir);
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.optional_permissions).toEqual(OPTIONAL_HOSTS);
    expect(manifest.optional_host_permissions).toBeUndefined();
  });

  it('lists no permission Firefox does not know, shows the side panel as a sidebar, and says it collects no data', async () => {
    const manifest = await manifestOf(dir);
    expect(manifest.permissions).not.toContain('sidePanel');
    expect(manifest.sidebar_action).toMatchObject({ default_panel: 'sidepanel.html' });
    expect(manifest.browser_specific_settings.gecko).toEqual({
      id: 'companion@agentwiki.org',
      data_collection_permissions: { required: ['none'] },
    });
  });

  it('declares both content-script stages', async () => {
    const manifest = await manifestOf(dir);
    expect(manifest.content_scripts).toEqual([
      { matches: ['<all_urls>'], js: [CONTENT_SCRIPT_FILE], run_at: 'document_idle', all_frames: false },
    ]);
    expect(manifest.web_accessible_resources).toEqual([CONTENT_MAIN_FILE]);
  });
});
