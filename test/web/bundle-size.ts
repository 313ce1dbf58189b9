/** What the console's index.html loads before the first render, and its size gzipped. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget, in bytes of gzip (300 KB, counted as 300,000 bytes: the stricter reading). */
export const INITIAL_BUDGET_BYTES = 300_000;

/** One file the browser fetches before the console first renders. */
export interface InitialAsset {
  /** As index.html names it (`/assets/index-….js`). */
  href: string;
  gzipBytes: number;
}

/**
 * The assets `dir/index.html` loads up front: `<script type="module" src>`, `<link
 * rel="modulepreload">` and `<link rel="stylesheet">`, each gzipped at the default level (what a
 * server's compression sends). A missing file is an error, not a zero.
 */
export async function initialAssets(dir: string): Promise<InitialAsset[]> {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} does not exist: build the console first (npm run build)`);
  }
  const html = await readFile(index, 'utf8');
  const hrefs = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
    const isScript = /^<script/i.test(tag) && attr('type') === 'module' && attr('src');
    const isPreload = /^<link/i.test(tag) && ['modulepreload', 'stylesheet'].includes(attr('rel') ?? '');
    const href = isScript ? attr('src') : isPreload ? attr('href') : undefined;
    // Only the console's own files: an absolute URL elsewhere is not part of its bundle.
    if (href && !/^[a-z]+:\/\//i.test(href)) hrefs.add(href);
  }
  return Promise.all(
    [...hrefs].map(async (href) => {
      const file = path.join(dir, href.replace(/^\//, '').split(/[?#]/)[0] as string);
      if (!existsSync(file)) throw new Error(`${index} loads ${href}, but ${file} does not exist`);
      return { href, gzipBytes: gzipSync(await readFile(file)).length };
    }),
  );
}
