import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KnowledgeRef } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';

/** Supplies the facts a prompt's `promptops.knowledge` references, keyed by entity id. */
export interface KnowledgeSource {
  entities(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
}

/**
 * A knowledge source read from a YAML file (`entities: { "policy:refund-2026": {…} }`), the
 * stand-in until the knowledge graph serves entities. Read once, on first use.
 */
export class FileKnowledgeSource implements KnowledgeSource {
  private loaded: Promise<Record<string, Record<string, unknown>>> | null = null;

  constructor(private readonly file: string) {}

  async entities(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    this.loaded ??= readFile(this.file, 'utf8').then((text) => {
      const doc = parseYaml(text) as { entities?: Record<string, Record<string, unknown>> } | null;
      return doc?.entities ?? {};
    });
    const all = await this.loaded;
    return new Map(ids.filter((id) => all[id] !== undefined).map((id) => [id, { id, ...all[id] }]));
  }
}

/** Resolves a spec's knowledge references into template variables (`as` → entity facts). */
export async function loadKnowledge(
  refs: readonly KnowledgeRef[],
  source: KnowledgeSource | null,
  label: string,
): Promise<Record<string, unknown>> {
  const exposed = refs.filter((r) => r.as);
  if (exposed.length === 0) return {};
  const found = source ? await source.entities(exposed.map((r) => r.entity)) : new Map();
  const missing = exposed.filter((r) => !found.has(r.entity)).map((r) => r.entity);
  if (missing.length > 0) {
    throw new PromptOpsError(
      'PO_ERR_CONTRACT_VIOLATION',
      `${label} needs knowledge entities that are not available: ${missing.join(', ')}; add them to the knowledge file named in promptops.yaml (knowledge.file)`,
      { prompt: label, missing },
    );
  }
  return Object.fromEntries(exposed.map((r) => [r.as!, found.get(r.entity)]));
}

export function knowledgeFile(root: string, file: string | undefined): KnowledgeSource | null {
  return file ? new FileKnowledgeSource(path.resolve(root, file)) : null;
}
