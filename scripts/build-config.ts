/**
 * Build-time choice of the default wiki. `WIKI_URL=https://wiki.example.org
 * npm run build` bakes that wiki in as the default and declares host
 * permission for its origin; without it the default is agentwiki.org.
 */
import { CONTENT_MAIN_PATH } from '../services/page/full-page';

export const AGENTWIKI_URL = 'https://agentwiki.org/';

export interface WikiBuildConfig {
  /** The wiki's base URL, normalised to end with a slash. */
  url: string;
  /** Match patterns for the manifest's host_permissions. */
  hostPermissions: string[];
}

export function wikiBuildConfig(raw: string | undefined): WikiBuildConfig {
  const value = raw?.trim() || AGENTWIKI_URL;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`WIKI_URL is not a URL: ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`WIKI_URL must be http or https, not ${parsed.protocol}`);
  }
  parsed.hash = '';
  parsed.search = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  // Match patterns take no port; the pattern for host "h" covers every port.
  return { url: parsed.href, hostPermissions: [`${parsed.protocol}//${parsed.hostname}/*`] };
}

/** The content script's file in a build (entrypoints/content-script.ts, declared in the manifest by wxt.config.ts). */
export const CONTENT_SCRIPT_FILE = 'content-script.js';
/** Its second stage (entrypoints/content-main.ts), which it imports on pages that may hold a term. */
export const CONTENT_MAIN_FILE = CONTENT_MAIN_PATH.slice(1);

/** Hosts the options page may ask for when the user points the extension at another wiki. */
export const OPTIONAL_HOSTS = ['http://*/*', 'https://*/*'];

/**
 * Where a manifest declares the optional hosts. Manifest V3 has
 * `optional_host_permissions`; Manifest V2 (the Firefox build) has no such key
 * and lists them in `optional_permissions`, without which Firefox refuses
 * `permissions.request` for any origin, so no other wiki could be set up. WXT
 * drops the V3 key from a V2 manifest without moving it.
 */
export function optionalHostsEntry(
  manifestVersion: 2 | 3,
): { optional_host_permissions: string[] } | { optional_permissions: string[] } {
  return manifestVersion === 2 ? { optional_permissions: OPTIONAL_HOSTS } : { optional_host_permissions: OPTIONAL_HOSTS };
}
