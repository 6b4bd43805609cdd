import { resolve } from 'node:path';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { CONTENT_MAIN_FILE, CONTENT_SCRIPT_FILE, optionalHostsEntry, wikiBuildConfig } from './scripts/build-config';
import { compileEagerly } from './scripts/eager-compile';

// WIKI_URL at build time makes another DokuWiki the default and declares host
// permission for its origin, so a team can ship a build for its own wiki.
const wiki = wikiBuildConfig(process.env.WIKI_URL);

export default defineConfig({
  // Every file imports what it uses, so each says where its names come from.
  imports: false,
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  publicDir: 'public',
  // Tests build several variants side by side (one per wiki they point at).
  outDir: process.env.AGENTWIKI_OUT_DIR ?? '.output',
  vite: () => ({
    plugins: [preact(), compileEagerly(CONTENT_SCRIPT_FILE)],
    define: {
      __DEFAULT_WIKI_URL__: JSON.stringify(wiki.url),
    },
  }),
  hooks: {
    // The content script is a plain script (entrypoints/content-script.ts says
    // why), declared here: every page, top frame only, once the page is parsed.
    'build:manifestGenerated': (_wxt, manifest) => {
      manifest.content_scripts = [
        ...(manifest.content_scripts ?? []),
        { matches: ['<all_urls>'], js: [CONTENT_SCRIPT_FILE], run_at: 'document_idle', all_frames: false },
      ];
    },
    // Every build ships the knowledge base's articles as /starter-snapshot.json,
    // so the extension works offline from the moment it is installed.
    'build:publicAssets': async (wxt, files) => {
      const { buildSnapshot, DEFAULT_PAGES_DIR } = await import('./scripts/build-snapshot');
      const warnings: string[] = [];
      const snapshot = await buildSnapshot(resolve(wxt.config.root, DEFAULT_PAGES_DIR), {
        onWarning: (message) => warnings.push(message),
      });
      if (warnings.length > 0) wxt.logger.warn(`Starter snapshot:\n  ${warnings.join('\n  ')}`);
      files.push({ relativeDest: 'starter-snapshot.json', contents: JSON.stringify(snapshot) });
    },
    // Budgets fail the build rather than a test, so no build can ship over them.
    'build:done': async (wxt) => {
      const { enforceBudgets } = await import('./scripts/bundle-budget');
      for (const line of enforceBudgets(wxt.config.outDir)) wxt.logger.info(`Budget: ${line}`);
    },
  },
  manifest: ({ manifestVersion }) => ({
    name: 'AgentWiki Companion',
    description:
      'Definitions on hover, side-panel reading and instant search from a DokuWiki knowledge base.',
    // WXT adds `sidePanel` to the Chrome build, which has the side panel;
    // Firefox shows the same page as a sidebar, and knows no such permission.
    permissions: ['storage', 'alarms', 'unlimitedStorage', 'activeTab'],
    host_permissions: wiki.hostPermissions,
    ...optionalHostsEntry(manifestVersion),
    action: { default_title: 'AgentWiki Companion' },
    commands: {
      'next-term': {
        suggested_key: { default: 'Alt+Shift+K' },
        description: 'Move to the next marked term on the page and open its card',
      },
    },
    // The content script's second stage, imported by its first on pages that
    // may hold a term. Under a per-session address: a page cannot fetch it to
    // learn that the extension is installed.
    web_accessible_resources: [{ resources: [CONTENT_MAIN_FILE], matches: ['<all_urls>'], use_dynamic_url: true }],
    browser_specific_settings: {
      // Firefox asks every extension to say what it collects: nothing leaves
      // the browser but requests to the wiki the user chose.
      gecko: { id: 'companion@agentwiki.org', data_collection_permissions: { required: ['none'] } },
    },
  }),
});
