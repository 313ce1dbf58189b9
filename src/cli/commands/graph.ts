import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MAX_BATCH_ENTITIES, MAX_BATCH_RELATIONS } from '../../api/graph-batch.js';
import { PromptOpsError } from '../../errors.js';
import { type RecordMapping, readIngestFile } from '../../graph/files.js';
import type { GraphDiff, GraphEntity, Neighbourhood } from '../../graph/types.js';
import { isOneOf, isRemote, parseLimit, projectDir, resolveActor, withStore } from '../context.js';
import { print, printJson, table } from '../output.js';
import type {
  GraphDiffOptions,
  GraphIngestOptions,
  GraphMergeOptions,
  GraphRevisionsOptions,
  GraphShowOptions,
  GraphUnmergeOptions,
} from './graph-commands.js';

/** `promptops graph ingest FILE`. */
export async function graphIngest(file: string, options: GraphIngestOptions): Promise<number> {
  const resolved = path.resolve(projectDir(options), file);
  const mapping = options.mapping
    ? (parseYaml(await readFile(path.resolve(projectDir(options), options.mapping), 'utf8')) as RecordMapping)
    : options.type
      ? { type: options.type, key: options.key ?? 'key' }
      : null;
  const source = options.source ?? path.basename(file);
  const batch = await readIngestFile(resolved, source, mapping);
  if (options.complete) batch.mode = 'complete';
  if (
    isRemote() &&
    ((batch.entities?.length ?? 0) > MAX_BATCH_ENTITIES ||
      (batch.relations?.length ?? 0) > MAX_BATCH_RELATIONS)
  ) {
    throw new PromptOpsError(
      'PO_ERR_GRAPH_TOO_LARGE',
      `${file} holds more than one API batch (${MAX_BATCH_ENTITIES} entities, ${MAX_BATCH_RELATIONS} relations): split it into additive files of the same --source, or ingest it on the control plane's host`,
      { file },
    );
  }
  return withStore(options, async (store) => {
    const outcome = await store.ingestGraph(batch, resolveActor(options.author));
    if (options.json) printJson(outcome);
    else if (outcome.revision === null) print(`no change: the graph stays at revision ${outcome.latest}`);
    else
      print(
        `revision ${outcome.revision}: ${outcome.added} facts added, ${outcome.removed} removed (source ${source})`,
      );
    return 0;
  });
}

/** `promptops graph revisions`. */
export async function graphRevisions(options: GraphRevisionsOptions): Promise<number> {
  return withStore(options, async (store) => {
    const revisions = await store.listGraphRevisions();
    if (options.json) printJson(revisions);
    else if (revisions.length === 0) print('the knowledge graph is empty: promptops graph ingest FILE');
    else {
      const rows = revisions.map((r) => [
        `r${r.number}`,
        r.kind === 'ingest' ? `ingest ${r.source} (${r.mode})` : r.kind,
        `+${r.added} -${r.removed}`,
        r.assertedBy,
        r.createdAt,
      ]);
      print(table(['REVISION', 'WHAT', 'FACTS', 'BY', 'AT'], rows));
    }
    return 0;
  });
}

/** `promptops graph show TYPE:KEY`. */
export async function graphShow(ref: string, options: GraphShowOptions): Promise<number> {
  const revision = options.revision === undefined ? undefined : revisionNumber(options.revision);
  const direction = options.direction ?? 'out';
  if (!isOneOf(direction, ['out', 'in', 'both'] as const)) {
    throw new PromptOpsError('PO_ERR_USAGE', `--direction is out, in or both, not "${direction}"`, {});
  }
  return withStore(options, async (store) => {
    if (options.depth === undefined) {
      const entity = await store.getGraphEntity(ref, revision);
      if (options.json) printJson(entity);
      else printEntity(entity);
      return 0;
    }
    const depth = Number(options.depth);
    if (!Number.isInteger(depth) || depth < 1 || depth > 8) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `--depth is a whole number from 1 to 8, not "${options.depth}"`,
        {},
      );
    }
    const around = await store.graphNeighbourhood({
      root: ref,
      depth,
      direction,
      limit: parseLimit(options.limit, 100),
      ...(options.relations ? { relations: options.relations.split(',').filter(Boolean) } : {}),
      ...(revision === undefined ? {} : { revision }),
    });
    if (options.json) printJson(around);
    else printNeighbourhood(around);
    return 0;
  });
}

/** `promptops graph diff rA rB`. */
export async function graphDiff(from: string, to: string, options: GraphDiffOptions): Promise<number> {
  return withStore(options, async (store) => {
    const diff = await store.diffGraph(revisionNumber(from), revisionNumber(to));
    if (options.json) printJson(diff);
    else printDiff(diff);
    return 0;
  });
}

/** `promptops graph merge SURVIVOR MERGED`. */
export async function graphMerge(
  survivor: string,
  merged: string,
  options: GraphMergeOptions,
): Promise<number> {
  return withStore(options, async (store) => {
    const merge = await store.mergeGraphEntities(survivor, merged, resolveActor(options.author));
    if (options.json) printJson(merge);
    else
      print(
        `revision ${merge.revision}: ${merge.merged} merged into ${merge.survivor} (undo: promptops graph unmerge ${merge.merged})`,
      );
    return 0;
  });
}

/** `promptops graph unmerge MERGED`. */
export async function graphUnmerge(merged: string, options: GraphUnmergeOptions): Promise<number> {
  return withStore(options, async (store) => {
    const merge = await store.unmergeGraphEntities(merged, resolveActor(options.author));
    if (options.json) printJson(merge);
    else
      print(
        `revision ${merge.unmergedIn}: ${merge.merged} is its own entity again (merged into ${merge.survivor} in r${merge.revision})`,
      );
    return 0;
  });
}

/** `12` or `r12`. */
function revisionNumber(text: string): number {
  const n = Number(text.replace(/^r/, ''));
  if (!Number.isInteger(n) || n < 1) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${text}" is not a revision: write a number such as 12 or r12`,
      {},
    );
  }
  return n;
}

function printEntity(entity: GraphEntity): void {
  print(
    `${entity.type}:${entity.key}${entity.aliases.length > 0 ? ` (also ${entity.aliases.join(', ')})` : ''}`,
  );
  for (const [key, value] of Object.entries(entity.attributes)) print(`  ${key}: ${JSON.stringify(value)}`);
  print();
  const rows = entity.facts.map((f) => [
    f.kind === 'alias' ? `alias ${f.alias}` : f.kind,
    f.provenance.source,
    f.provenance.recordId ?? '-',
    `r${f.provenance.addedIn}`,
    f.provenance.assertedBy,
    [f.provenance.validFrom, f.provenance.validTo].some(Boolean)
      ? `${f.provenance.validFrom ?? '…'} to ${f.provenance.validTo ?? '…'}`
      : '-',
  ]);
  print(table(['FACT', 'SOURCE', 'RECORD', 'SINCE', 'BY', 'VALID'], rows));
}

function printNeighbourhood(around: Neighbourhood): void {
  printEntity(around.root);
  const names = new Map([around.root, ...around.entities].map((e) => [e.id, `${e.type}:${e.key}`]));
  print();
  const rows = around.relations.map((r) => [
    String(r.depth),
    `${names.get(r.from)} -${r.type}-> ${names.get(r.to)}`,
    r.provenance.source,
    `r${r.provenance.addedIn}`,
  ]);
  print(table(['HOP', 'RELATION', 'SOURCE', 'SINCE'], rows));
  if (around.truncated) print(`(cut at ${around.relations.length} relations: raise --limit to see more)`);
}

function printDiff(diff: GraphDiff): void {
  const total = diff.added.length + diff.removed.length + diff.changed.length;
  if (total === 0) {
    print(`no change from r${diff.from} to r${diff.to}`);
    return;
  }
  const show = (v: unknown) => (v === true ? '' : ` ${JSON.stringify(v)}`);
  for (const f of diff.added)
    print(`+ ${f.kind} ${f.subject}${show(f.value)}  (${f.source}, r${f.revision})`);
  for (const f of diff.removed)
    print(`- ${f.kind} ${f.subject}${show(f.value)}  (${f.source}, r${f.revision})`);
  for (const c of diff.changed)
    print(
      `~ attributes ${c.subject}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}  (${c.source})`,
    );
  if (diff.truncated)
    print(
      '… more changed: these are the first facts written; diff fewer revisions at a time to see the rest',
    );
}
