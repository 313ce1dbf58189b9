import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../catalog/diagnostics.js';
import { type CatalogResult, lintSources, type SourceFile } from '../catalog/lint.js';
import { checkPromptSize, decodePromptBytes } from '../catalog/parse.js';
import { PromptOpsError } from '../errors.js';
import { CONFIG_FILE, defaultProjectConfig, type ProjectConfig, parseProjectConfig } from './config.js';
import { loadNamedSchemas } from './named-schemas.js';
import { parseContext } from './parse-context.js';

/** A project on disk: its root folder and its validated configuration. */
export interface Workspace {
  root: string;
  /** Absolute path of `promptops.yaml`, or null when running on defaults. */
  configFile: string | null;
  config: ProjectConfig;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.promptops', 'dist']);

/**
 * Finds `promptops.yaml` in `cwd` or the nearest parent folder and loads it. With
 * `isRequired: false`, a folder without one gets the defaults (so `lint` works on loose files).
 */
export async function openWorkspace(cwd: string, options: { isRequired?: boolean } = {}): Promise<Workspace> {
  const found = await findConfig(path.resolve(cwd));
  if (!found) {
    if (options.isRequired === false)
      return { root: path.resolve(cwd), configFile: null, config: defaultProjectConfig() };
    throw noProject(cwd);
  }
  const text = await readFile(found, 'utf8');
  const display = path.relative(process.cwd(), found) || CONFIG_FILE;
  const { config, diagnostics } = parseProjectConfig(text, display, path.basename(path.dirname(found)));
  if (!config) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${display} is invalid:\n${diagnostics.map(formatDiagnosticPlain).join('\n')}`,
      { diagnostics },
    );
  }
  return { root: path.dirname(found), configFile: found, config };
}

function noProject(cwd: string): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_CONFIG_NOT_FOUND',
    `no ${CONFIG_FILE} in ${path.resolve(cwd)} or any parent folder; run "promptops init" to create a project here`,
  );
}

async function findConfig(start: string): Promise<string | null> {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; try the parent
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Lists the `.prompt` files to work on: the given paths (files or folders), or the catalog
 * folders of the config. Files whose name starts with `_` are partials, returned apart.
 */
export async function discoverPromptFiles(
  ws: Workspace,
  paths: readonly string[] = [],
): Promise<{ prompts: string[]; partials: string[] }> {
  const roots =
    paths.length > 0
      ? paths.map((p) => path.resolve(p))
      : ws.config.catalog.map((c) => path.resolve(ws.root, c));
  const files: string[] = [];
  for (const root of roots) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(root);
    } catch {
      throw new PromptOpsError(
        'PO_ERR_FILE_UNREADABLE',
        `${root} does not exist; pass a .prompt file or a folder that holds them`,
      );
    }
    if (info.isFile()) files.push(root);
    else await walk(root, files);
  }
  const unique = [...new Set(files)].sort();
  return {
    prompts: unique.filter((f) => !path.basename(f).startsWith('_')),
    partials: unique.filter((f) => path.basename(f).startsWith('_')),
  };
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(path.join(dir, entry.name), out);
    } else if (entry.isFile() && entry.name.endsWith('.prompt')) {
      out.push(path.join(dir, entry.name));
    }
  }
}

/** Reads, parses and lints the catalog (or the given paths). File names in results are relative to cwd. */
export async function loadCatalog(ws: Workspace, paths: readonly string[] = []): Promise<CatalogResult> {
  // Without promptops.yaml there are no catalog folders: never walk whatever folder this is.
  if (!ws.configFile && paths.length === 0) throw noProject(ws.root);
  const { prompts, partials } = await discoverPromptFiles(ws, paths);
  // Partials come from the catalog folders even when linting a single file.
  const partialFiles =
    paths.length > 0 ? (await discoverPromptFiles(ws)).partials.concat(partials) : partials;
  const partialMap = new Map<string, string>();
  const sources: SourceFile[] = [];
  for (const file of [...new Set(partialFiles)]) {
    const source = await readSource(file);
    if ('text' in source) partialMap.set(path.basename(file, '.prompt').slice(1), source.text.trim());
    else if (partials.includes(file)) sources.push(source);
  }
  for (const file of prompts) sources.push(await readSource(file));
  const named = await loadNamedSchemas(ws.root);
  const result = await lintSources(sources, parseContext(ws.config, partialMap, named.schemas));
  return { ...result, diagnostics: [...named.diagnostics, ...result.diagnostics] };
}

async function readSource(file: string): Promise<SourceFile> {
  const display = path.relative(process.cwd(), file) || file;
  let bytes: Uint8Array;
  try {
    // A huge file is refused from its size alone, without reading it into memory.
    const tooLarge = checkPromptSize((await stat(file)).size, display);
    if (tooLarge) return { file: display, diagnostic: tooLarge };
    bytes = await readFile(file);
  } catch (err) {
    return {
      file: display,
      diagnostic: {
        file: display,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'file-unreadable',
        message: `cannot read the file: ${(err as Error).message}`,
      },
    };
  }
  const decoded = decodePromptBytes(bytes, display);
  return 'text' in decoded
    ? { file: display, text: decoded.text }
    : { file: display, diagnostic: decoded.diagnostic };
}

/** `file:line:col severity message [rule]`: the format editors and CI annotate. */
export function formatDiagnosticPlain(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.message} [${d.rule}]`;
}
