/**
 * REAL benign documents for the prompt-injection model: the README files of the packages installed
 * under node_modules (pinned by package-lock.json, so the same lock gives the same corpus).
 *
 * train.jsonl has no real documents (its long texts are jailbreaks), and the detector trained
 * without them flagged about a third of these READMEs' passages (31 % of the held-out half's 548,
 * 2026-11-28): documentation is full of imperatives for the reader ("run", "set",
 * "you must recompile"), code and configuration, which the n-gram model had only seen in attacks.
 * Retrieval-augmented prompts carry exactly such text, so over-blocking it is a product failure.
 *
 * Packages are split in two halves by a hash of their name: `train` chunks feed training (benign,
 * and the same chunk with an instruction for the AI planted at a paragraph boundary, so the
 * documents' own wording stays neutral and only the planted content carries weight), `held-out`
 * chunks measure over-blocking in bench/guardrails-injection.js. Text is used for training only; no
 * README text ships in the model beyond hashed-feature weights.
 */
import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PARAGRAPH_BREAK, paragraphsOf } from '../src/guardrails/injection/features.js';
import {
  attackSnippet,
  plantedCode,
  plantedInstruction,
  type Rand,
  type SynthRow,
} from './injection-synth.js';

export interface DocChunk {
  /** The package the README belongs to ("fastify", "@fastify/swagger"). */
  pkg: string;
  text: string;
}

export type DocHalf = 'train' | 'held-out';

/** The sources of the rows synthesizeDocs writes. */
export const DOC_SOURCES: readonly string[] = ['docs:readme', 'docs:paragraph', 'docs:planted'];

/** Chunk length bounds (characters): about a retrieved passage (see chunkDocument). */
const MIN_CHUNK = 200;
const MAX_CHUNK = 1500;

/** README*.md paths under `root`, sorted, not following symlinks (node_modules/.bin). */
function readmePaths(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && /^readme(\.[a-z-]+)?\.md$/i.test(e.name)) out.push(full);
    }
  };
  walk(root);
  return out;
}

/**
 * The package a README under `root` (a node_modules folder) belongs to: the segment(s) after the
 * last node_modules/ of its path below `root`, or its first segment(s) ("@scope/name", "name"),
 * and that package's folder.
 */
function packageOf(root: string, file: string): { pkg: string; dir: string } {
  const parts = path.relative(root, file).split(path.sep);
  const at = parts.lastIndexOf('node_modules') + 1;
  const first = parts[at] ?? '';
  const scoped = first.startsWith('@');
  return {
    pkg: scoped ? `${first}/${parts[at + 1] ?? ''}` : first,
    dir: path.join(root, ...parts.slice(0, at + (scoped ? 2 : 1))),
  };
}

/**
 * Whether a package is built for some platforms only (package.json `os` or `cpu`: esbuild's,
 * biome's and the native TypeScript compiler's binaries): npm installs the one for the machine it
 * runs on, so their READMEs would make the corpus differ between machines.
 */
function platformSpecific(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    return 'os' in manifest || 'cpu' in manifest;
  } catch {
    return false;
  }
}

/**
 * Paragraphs (as the detector splits them) grouped into chunks of MIN_CHUNK..MAX_CHUNK characters;
 * a paragraph longer than MAX_CHUNK stays whole, so a few chunks are longer (6 % of them, the
 * longest about 8,400 characters, 2026-11-28).
 */
export function chunkDocument(text: string): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const para of text.split(PARAGRAPH_BREAK)) {
    if (current && current.length + para.length + 2 > MAX_CHUNK) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${para}` : para;
  }
  if (current) chunks.push(current);
  return chunks.map((c) => c.trim()).filter((c) => c.length >= MIN_CHUNK);
}

/** Which half a package's README belongs to (stable: a hash of the package name). */
export function docHalf(pkg: string): DocHalf {
  return createHash('sha256').update(pkg).digest()[0]! & 1 ? 'held-out' : 'train';
}

/**
 * The README chunks of one half of the packages under `nodeModules`, in path order, leaving out
 * platform-specific packages (see platformSpecific). Identical READMEs (a package installed twice)
 * count once, and the held-out half leaves out chunks that open
 * like a training chunk (forks such as source-map and source-map-js share READMEs).
 */
export function readmeChunks(nodeModules: string, half: DocHalf): DocChunk[] {
  const seen = new Set<string>();
  const halves: Record<DocHalf, DocChunk[]> = { train: [], 'held-out': [] };
  const platform = new Map<string, boolean>();
  for (const file of readmePaths(nodeModules)) {
    const { pkg, dir } = packageOf(nodeModules, file);
    if (!platform.has(dir)) platform.set(dir, platformSpecific(dir));
    if (platform.get(dir)) continue;
    const text = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
    const digest = createHash('sha256').update(text).digest('hex');
    if (seen.has(digest)) continue;
    seen.add(digest);
    for (const chunk of chunkDocument(text)) halves[docHalf(pkg)].push({ pkg, text: chunk });
  }
  if (half === 'train') return halves.train;
  const opening = (c: DocChunk) => c.text.replace(/\s+/g, ' ').slice(0, 120);
  const trained = new Set(halves.train.map(opening));
  return halves['held-out'].filter((c) => !trained.has(opening(c)));
}

/** A digest of a chunk list (recorded in model.json: which corpus the model saw). */
export function chunksDigest(chunks: readonly DocChunk[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c.pkg).update('\u0000').update(c.text).update('\u0001');
  return h.digest('hex').slice(0, 16);
}

/**
 * Training rows from README chunks: each chunk as it is (`docs:readme`, benign), with `paragraphs`
 * each of its paragraphs too (`docs:paragraph`), and for about `pairs` chunks drawn at random the
 * same chunk with an instruction for the AI planted at a paragraph boundary (`docs:planted`,
 * attack): with `plant` 'any' from the grammar of injection-synth.ts (three in four) or a short
 * attack of the split (`attacks`), with 'code' a request to add or run malicious code.
 */
export function synthesizeDocs(
  chunks: readonly DocChunk[],
  pairs: number,
  rand: Rand,
  attacks: readonly SynthRow[],
  paragraphs = false,
  plant: 'any' | 'code' = 'any',
): SynthRow[] {
  const out: SynthRow[] = [];
  const usable = attacks.filter((r) => r.label === 1);
  for (const c of chunks) {
    out.push({ text: c.text, label: 0, source: 'docs:readme' });
    if (paragraphs)
      for (const p of paragraphsOf(c.text)) out.push({ text: p, label: 0, source: 'docs:paragraph' });
    if (rand() >= pairs / chunks.length) continue;
    const insert =
      plant === 'code'
        ? plantedCode(rand)
        : rand() < 0.75 || usable.length === 0
          ? plantedInstruction(rand)
          : attackSnippet(rand, usable);
    out.push({ text: plantAt(c.text, insert, rand), label: 1, source: 'docs:planted' });
  }
  return out;
}

/**
 * `insert` as its own paragraph at a random paragraph boundary of `text` (start and end included),
 * splitting at the "\n\n" chunkDocument joins paragraphs with, so the rest is kept byte for byte.
 */
export function plantAt(text: string, insert: string, rand: Rand): string {
  const paras = text.split(/\n\n/);
  paras.splice(Math.floor(rand() * (paras.length + 1)), 0, insert);
  return paras.join('\n\n');
}
