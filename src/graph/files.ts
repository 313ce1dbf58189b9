/**
 * Reading an ingest file into a batch: YAML or JSON in the batch's own shape (`entities:`,
 * `relations:`), or records (CSV rows, or a YAML/JSON list) turned into entities and relations by a
 * mapping. Files over the size limit are refused before a byte is parsed; CSV is streamed.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse as parseCsv } from 'csv-parse';
import { parse as parseYaml } from 'yaml';
import { EntityInputSchema, RelationInputSchema } from '../api/graph-batch.js';
import { createAjv } from '../contracts/json-schema.js';
import { describeAjvErrors } from '../contracts/schema-errors.js';
import { PromptOpsError } from '../errors.js';
import type { GraphBatch, GraphEntityInput, GraphRelationInput } from './types.js';

/** The largest ingest file (100 MB). */
export const MAX_INGEST_FILE_BYTES = 100 * 1024 * 1024;

/** How records (CSV rows, or objects of a list) become entities and relations. */
export interface RecordMapping {
  /** Every record's entity type, or `typeColumn` names the column holding it. */
  type?: string;
  typeColumn?: string;
  /** The column holding the key. */
  key: string;
  /** Columns whose (non-empty) values are aliases. */
  aliases?: string[];
  /** Columns kept as attributes (default: every column not used otherwise). */
  attributes?: string[];
  recordId?: string;
  validFrom?: string;
  validTo?: string;
  /**
   * Relations between each record's entity and the entity a column names: `to: TYPE` points from
   * the record to it, `from: TYPE` from it to the record.
   */
  relations?: ({ type: string; column: string } & ({ to: string } | { from: string }))[];
}

/** Reads `file` as a batch from `source`; a mapping turns records into entities. */
export async function readIngestFile(
  file: string,
  source: string,
  mapping: RecordMapping | null,
  maxBytes = MAX_INGEST_FILE_BYTES,
): Promise<GraphBatch> {
  const size = await stat(file).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      throw new PromptOpsError('PO_ERR_FILE_UNREADABLE', `cannot read ${file}: ${err.message}`, { file });
    },
  );
  if (size > maxBytes) {
    throw new PromptOpsError(
      'PO_ERR_GRAPH_TOO_LARGE',
      `${file} is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${maxBytes / 1024 / 1024} MB an ingest reads: split it into several files of the same --source, each ingested additively (a --complete ingest removes what its one file does not send, so it must be one file)`,
      { file, size, limit: maxBytes },
    );
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') {
    if (!mapping) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `${file} is CSV: say which columns are what with --mapping FILE (or --type and --key)`,
        { file },
      );
    }
    return { source, ...checkBatch(recordsToBatch(await readCsv(file), mapping, file), file) };
  }
  const doc = parseDocument(await readFile(file, 'utf8'), ext, file);
  if (mapping) {
    const records = Array.isArray(doc) ? doc : (doc as { records?: unknown })?.records;
    if (!Array.isArray(records))
      throw invalid(`${file}: with a mapping, the file is a list of records (or \`records:\`)`, file);
    return {
      source,
      ...checkBatch(recordsToBatch(records as Record<string, unknown>[], mapping, file), file),
    };
  }
  return { source, ...checkBatch(batchShape(doc, file), file) };
}

/** The JSON or YAML document in `text`, or an error naming the file. */
function parseDocument(text: string, ext: string, file: string): unknown {
  const format = ext === '.json' ? 'JSON' : 'YAML';
  try {
    return format === 'JSON' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw invalid(`${file} is not valid ${format}: ${(err as Error).message}`, file);
  }
}

let validators: { entity: ValidateFunction; relation: ValidateFunction } | undefined;

/**
 * `batch` checked entry by entry against the API's batch schema (api/graph-batch.ts), so a file holds
 * what a request may: each mistake names the file and the entry. The API's bounds on the number
 * of entries stay the API's: a file ingested on the control plane's host may hold more.
 */
function checkBatch(
  batch: Pick<GraphBatch, 'entities' | 'relations'>,
  file: string,
): Pick<GraphBatch, 'entities' | 'relations'> {
  validators ??= {
    entity: createAjv().compile(EntityInputSchema),
    relation: createAjv().compile(RelationInputSchema),
  };
  const lists = [
    ['entities', batch.entities ?? [], validators.entity],
    ['relations', batch.relations ?? [], validators.relation],
  ] as const;
  for (const [name, list, validate] of lists) {
    list.forEach((entry, i) => {
      if (validate(entry)) return;
      const problems = describeAjvErrors(validate.errors, `${name}[${i}]`);
      throw invalid(`${file}, ${problems.map((p) => p.message).join('; ')}`, file);
    });
  }
  return batch;
}

/** The rows of a CSV file with a header line, streamed. */
async function readCsv(file: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  const parser = createReadStream(file).pipe(parseCsv({ columns: true, skip_empty_lines: true, trim: true }));
  for await (const row of parser) rows.push(row as Record<string, string>);
  return rows;
}

/** Entities and relations from records by `mapping`; record `i` is named in errors as line/entry. */
export function recordsToBatch(
  records: readonly Record<string, unknown>[],
  mapping: RecordMapping,
  file: string,
): Pick<GraphBatch, 'entities' | 'relations'> {
  const used = new Set(
    [
      mapping.typeColumn,
      mapping.key,
      mapping.recordId,
      mapping.validFrom,
      mapping.validTo,
      ...(mapping.aliases ?? []),
    ]
      .concat((mapping.relations ?? []).map((r) => r.column))
      .filter((c): c is string => c !== undefined),
  );
  const entities: GraphEntityInput[] = [];
  const relations: GraphRelationInput[] = [];
  records.forEach((record, i) => {
    const text = (column: string | undefined) => {
      const value = column === undefined ? undefined : record[column];
      return value === undefined || value === null || value === '' ? undefined : String(value);
    };
    const type = mapping.type ?? text(mapping.typeColumn);
    const key = text(mapping.key);
    if (!type || !key) {
      throw invalid(`${file}, record ${i + 1}: no ${type ? `key (column "${mapping.key}")` : 'type'}`, file);
    }
    const attributeColumns = mapping.attributes ?? Object.keys(record).filter((c) => !used.has(c));
    const optional = (name: 'recordId' | 'validFrom' | 'validTo') => {
      const value = text(mapping[name]);
      return value === undefined ? {} : { [name]: value };
    };
    const provenance = { ...optional('recordId'), ...optional('validFrom'), ...optional('validTo') };
    const aliases = (mapping.aliases ?? []).map(text).filter((a): a is string => a !== undefined);
    entities.push({
      type,
      key,
      ...(aliases.length > 0 ? { aliases } : {}),
      attributes: Object.fromEntries(
        attributeColumns.filter((c) => record[c] !== undefined).map((c) => [c, record[c]]),
      ),
      ...provenance,
    });
    for (const r of mapping.relations ?? []) {
      const other = text(r.column);
      if (other === undefined) continue;
      const self = `${type}:${key}`;
      const [from, to] = 'to' in r ? [self, `${r.to}:${other}`] : [`${r.from}:${other}`, self];
      relations.push({ type: r.type, from, to, ...provenance });
    }
  });
  return { entities, relations };
}

/** A YAML/JSON document in the batch's own shape, checked so each mistake names its entry. */
function batchShape(doc: unknown, file: string): Pick<GraphBatch, 'entities' | 'relations'> {
  const { entities = [], relations = [] } = (doc ?? {}) as { entities?: unknown; relations?: unknown };
  if (!Array.isArray(entities) || !Array.isArray(relations)) {
    throw invalid(
      `${file}: expected lists under entities: and relations: (or a --mapping for records)`,
      file,
    );
  }
  entities.forEach((e: Record<string, unknown>, i) => {
    if (typeof e?.type !== 'string' || typeof e.key !== 'string') {
      throw invalid(`${file}, entities[${i}]: every entity needs a type and a key (strings)`, file);
    }
  });
  relations.forEach((r: Record<string, unknown>, i) => {
    if (typeof r?.type !== 'string' || typeof r.from !== 'string' || typeof r.to !== 'string') {
      throw invalid(`${file}, relations[${i}]: every relation needs a type, from and to (TYPE:KEY)`, file);
    }
  });
  return { entities: entities as GraphEntityInput[], relations: relations as GraphRelationInput[] };
}

function invalid(message: string, file: string): PromptOpsError {
  return new PromptOpsError('PO_ERR_GRAPH_INVALID', message, { file });
}
