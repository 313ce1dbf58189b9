import { picoschema } from 'dotprompt';
import { checkJsonSchema, unknownFormats } from '../contracts/schema-check.js';
import { didYouMean } from '../suggest.js';
import { splitModelId } from './model-id.js';
import type { CatalogConfig, KnownNames, Locator, Raw, Reporter } from './parse-context.js';
import type { Position } from './source.js';
import { type ContractSpec, type JsonSchema, type KnowledgeRef, RISK_TIERS, type RiskTier } from './spec.js';
import { lookupSchemaPath } from './template.js';

const PICOSCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'any', 'array', 'object', 'enum'];

/** A Picoschema or JSON Schema as canonical JSON Schema; reports (and gives null for) one that is not valid. */
export async function toJsonSchema(
  value: unknown,
  path: string[],
  locate: Locator,
  report: Reporter,
  named: ReadonlyMap<string, JsonSchema> = new Map(),
): Promise<{ schema: JsonSchema | null; isValid: boolean }> {
  if (value === undefined || value === null) return { schema: null, isValid: true };
  let schema: JsonSchema | null;
  try {
    schema = (await picoschema(value, {
      schemaResolver: (name) => named.get(name) ?? null,
    })) as JsonSchema | null;
  } catch (err) {
    const message = (err as Error).message;
    const type = /(?:type|name) '([^']+)'/.exec(message)?.[1];
    const hint = type ? didYouMean(type, [...PICOSCHEMA_TYPES, ...named.keys()]) : '';
    report(
      locate(path),
      'schema-invalid',
      `${path.join('.')} is not valid Picoschema or JSON Schema: ${message}${hint}`,
    );
    return { schema: null, isValid: false };
  }
  if (!schema) return { schema: null, isValid: true };
  const problems = checkJsonSchema(schema);
  for (const problem of problems) {
    report(locate(path), 'schema-invalid', `${path.join('.')} is not a valid JSON Schema: ${problem}`);
  }
  for (const problem of unknownFormats(schema)) {
    report(locate(path), 'unknown-format', `${path.join('.')}: ${problem}`, 'warning');
  }
  return problems.length === 0
    ? { schema: normalizeSchema(schema) as JsonSchema, isValid: true }
    : { schema: null, isValid: false };
}

/**
 * The canonical form of a schema: `required` lists sorted (their order means nothing, so field
 * order in the file must not change the version) and undefined members dropped.
 */
function normalizeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    if (child === undefined) continue;
    out[key] = key === 'required' && Array.isArray(child) ? [...child].sort() : normalizeSchema(child);
  }
  return out;
}

/** The prompt's model (its own or the project default) and fallbacks, each checked against the known providers. */
export function checkModels(
  raw: Raw,
  config: CatalogConfig,
  known: KnownNames,
  locate: Locator,
  report: Reporter,
): { model: string | undefined; fallbackModels: string[] } {
  const model = (raw.model as string | undefined) ?? config.defaults.model;
  if (model)
    checkModel(
      model,
      raw.model !== undefined ? locate(['model']) : { line: 1, col: 1 },
      config,
      known,
      report,
    );
  const fallbackModels = (raw['promptops.fallbackModels'] as string[] | undefined) ?? [];
  for (const [i, fallback] of fallbackModels.entries()) {
    checkModel(fallback, locate(['promptops.fallbackModels', i]), config, known, report);
  }
  return { model, fallbackModels };
}

function checkModel(
  model: string,
  at: Position,
  config: CatalogConfig,
  known: KnownNames,
  report: Reporter,
): void {
  const parts = splitModelId(model);
  if (!parts) {
    report(
      at,
      'model-invalid',
      `model "${model}" must be written provider/model, e.g. openai/gpt-4o-mini or offline/echo`,
    );
    return;
  }
  const provider = Object.hasOwn(config.providers, parts.provider)
    ? config.providers[parts.provider]
    : undefined;
  if (!provider) {
    const names = Object.keys(config.providers);
    report(
      at,
      'unknown-provider',
      `model "${model}" names provider "${parts.provider}", which is not known${didYouMean(parts.provider, names)}; use one of ${names.join(', ')} or add it under providers: in promptops.yaml`,
    );
    return;
  }
  if (provider.type === 'offline' && !known.offlineModels.includes(parts.model)) {
    report(
      at,
      'unknown-model',
      `the offline provider has no model "${parts.model}"; use ${known.offlineModels.map((m) => `offline/${m}`).join(' or ')}`,
    );
  }
}

/**
 * The output format must be one a model's text answer can meet, with a schema that fits it:
 * `array` an array schema, `enum` a list of values, `jsonl` an array of objects (as Genkit's
 * formats require).
 */
export function checkOutputFormat(
  format: unknown,
  schema: JsonSchema | null,
  locate: Locator,
  report: Reporter,
): void {
  const at = locate(['output', 'format']);
  if (format === 'media') {
    report(
      at,
      'output-format-unsupported',
      'output.format media asks the model for an image or audio; the providers here answer with text. Use text, json, array, enum or jsonl',
    );
    return;
  }
  if (!schema) return;
  const items = schema.items as JsonSchema | undefined;
  if ((format === 'array' || format === 'jsonl') && schema.type !== 'array') {
    report(
      at,
      'output-schema-mismatch',
      `output.format ${format} needs an output schema of type array (the schema of the whole list); write "type: array" with the element under items`,
    );
  } else if (format === 'jsonl' && items && items.type !== 'object') {
    report(
      at,
      'output-schema-mismatch',
      'output.format jsonl needs an array of objects: each line of the answer is one JSON object; set items to an object schema',
    );
  } else if (format === 'enum' && !Array.isArray(schema.enum)) {
    report(
      at,
      'output-schema-mismatch',
      'output.format enum needs an output schema with an enum list, e.g. "type: string" and "enum: [low, high]"',
    );
  }
}

/** The output pattern must compile (as the runtime compiles it, with the `u` flag). */
export function checkOutputPattern(raw: Raw, locate: Locator, report: Reporter): void {
  const pattern = (raw['promptops.contract'] as { output?: { pattern?: string } } | undefined)?.output
    ?.pattern;
  if (pattern === undefined) return;
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    report(
      locate(['promptops.contract', 'output', 'pattern']),
      'contract-invalid',
      `promptops.contract.output.pattern does not compile: ${(err as Error).message}`,
    );
  }
}

/** The prompt's risk and owner; reports a missing owner from the risk the project's policy names. */
export function checkOwner(
  raw: Raw,
  config: CatalogConfig,
  locate: Locator,
  report: Reporter,
): { risk: RiskTier; owner: string | undefined } {
  const risk = (raw['promptops.risk'] as RiskTier | undefined) ?? config.defaults.risk;
  const owner = raw['promptops.owner'] as string | undefined;
  if (!owner && RISK_TIERS.indexOf(risk) >= RISK_TIERS.indexOf(config.policy.ownerRequiredFrom)) {
    report(
      raw['promptops.risk'] !== undefined ? locate(['promptops.risk']) : { line: 1, col: 1 },
      'owner-required',
      `a ${risk}-risk prompt needs an owner who answers for it; add "promptops.owner: <team or person>" to the frontmatter`,
    );
  }
  return { risk, owner };
}

/** The input contract with the project's defaults applied; reports rules for fields the schema lacks. */
export function buildContract(
  raw: Raw | undefined,
  config: CatalogConfig,
  inputSchema: JsonSchema | null,
  locate: Locator,
  report: Reporter,
): ContractSpec {
  const maxInputChars = (raw?.maxInputChars as number | undefined) ?? config.defaults.contract.maxInputChars;
  const output = (raw?.output ?? {}) as Partial<ContractSpec['output']>;
  const contract: ContractSpec = {
    policy: (raw?.policy as ContractSpec['policy'] | undefined) ?? config.defaults.contract.policy,
    ...(maxInputChars !== undefined ? { maxInputChars } : {}),
    fields: (raw?.fields as ContractSpec['fields'] | undefined) ?? {},
    output: { ...output, reasks: output.reasks ?? 1 },
  };
  for (const path of Object.keys(contract.fields)) {
    if (inputSchema && lookupSchemaPath(inputSchema, path.split('.')) === 'undeclared') {
      report(
        locate(['promptops.contract', 'fields', path], 'key'),
        'contract-field-unknown',
        `contract rule for "${path}" names a field the input schema does not declare; fix the path or declare the field`,
      );
    }
  }
  return contract;
}

/** Knowledge references in canonical form (a bare name is `{ entity: name }`). */
export function normalizeKnowledge(raw: unknown): KnowledgeRef[] {
  return ((raw as unknown[] | undefined) ?? []).map((item) =>
    typeof item === 'string' ? { entity: item } : (item as KnowledgeRef),
  );
}
