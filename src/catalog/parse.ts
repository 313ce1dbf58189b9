import { picoschema } from 'dotprompt';
import { checkJsonSchema, unknownFormats } from '../contracts/schema-check.js';
import { describeAjvErrors } from '../contracts/schema-errors.js';
import * as validators from '../generated/validators.js';
import {
  BUILTIN_GUARDRAILS,
  customGuardrailDefinition,
  type GuardrailDefinition,
  guardrailValidatorName,
} from '../guardrails/registry.js';
import type { ProjectConfig } from '../project/config.js';
import { OFFLINE_MODELS, splitModelId } from '../providers/registry.js';
import { specProblems } from './check-spec.js';
import type { Diagnostic } from './diagnostics.js';
import { KNOWN_FRONTMATTER_KEYS, MAX_NAME_LENGTH, NAME_PATTERN } from './frontmatter-schema.js';
import { type LocatedYaml, type Position, parseLocatedYaml, splitPromptSource } from './source.js';
import {
  type ContractSpec,
  type GuardrailAction,
  type GuardrailDecl,
  type GuardrailStage,
  type JsonSchema,
  type KnowledgeRef,
  type PromptSpec,
  RISK_TIERS,
  type RiskTier,
  type TraceRedaction,
} from './spec.js';
import { didYouMean } from './suggest.js';
import { analyzeTemplate, lookupSchemaPath, TemplateSyntaxError } from './template.js';

/** The largest `.prompt` file accepted. Real prompts are a few KB; anything this big is a mistake. */
export const MAX_PROMPT_BYTES = 1024 * 1024;

export interface ParseContext {
  config: ProjectConfig;
  /** Partial templates available to `{{> name}}`, by name. */
  partials?: ReadonlyMap<string, string>;
}

export interface ParseResult {
  spec: PromptSpec | null;
  diagnostics: Diagnostic[];
}

type Raw = Record<string, unknown>;

/** A diagnostic when a file of `size` bytes is too large to be a prompt, else null. */
export function checkPromptSize(size: number, file: string): Diagnostic | null {
  if (size <= MAX_PROMPT_BYTES) return null;
  return {
    file,
    line: 1,
    col: 1,
    severity: 'error',
    rule: 'file-too-large',
    message: `file is ${(size / 1024 / 1024).toFixed(1)} MB; a .prompt file may be at most 1 MB. Move large reference text into knowledge entities or input variables`,
  };
}

/**
 * Turns file bytes into text, refusing what cannot be a prompt: too large, binary, not UTF-8.
 * Returns a diagnostic instead of throwing so that one bad file never stops a whole lint.
 */
export function decodePromptBytes(
  bytes: Uint8Array,
  file: string,
): { text: string } | { diagnostic: Diagnostic } {
  const fail = (rule: string, message: string) => ({
    diagnostic: { file, line: 1, col: 1, severity: 'error' as const, rule, message },
  });
  const tooLarge = checkPromptSize(bytes.byteLength, file);
  if (tooLarge) return { diagnostic: tooLarge };
  if (bytes.includes(0))
    return fail('file-encoding', 'file contains NUL bytes: it looks binary, not a text .prompt file');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return fail('file-encoding', 'file is not valid UTF-8 text; re-save it as UTF-8');
  }
}

/**
 * Parses one `.prompt` source into a canonical `PromptSpec`, reporting every problem found with
 * its line and column. Never throws on bad input: a malformed file gives diagnostics and no spec.
 */
export async function parsePrompt(source: string, file: string, ctx: ParseContext): Promise<ParseResult> {
  const diagnostics: Diagnostic[] = [];
  const report = (at: Position, rule: string, message: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ file, line: at.line, col: at.col, severity, rule, message });

  const parts = splitPromptSource(source);
  if (parts.isUnclosed) {
    report(
      { line: 1, col: 1 },
      'frontmatter-unclosed',
      "the frontmatter opened with '---' on line 1 is never closed; add a '---' line after it",
    );
    return { spec: null, diagnostics };
  }

  let raw: Raw = {};
  let yaml: LocatedYaml | null = null;
  if (parts.frontmatter !== null) {
    yaml = parseLocatedYaml(parts.frontmatter, 2);
    for (const e of yaml.errors) report(e.at, 'yaml-syntax', `invalid YAML in frontmatter: ${e.message}`);
    if (yaml.errors.length > 0) return { spec: null, diagnostics };
    if (yaml.value !== null && (typeof yaml.value !== 'object' || Array.isArray(yaml.value))) {
      report(
        { line: 2, col: 1 },
        'frontmatter-shape',
        'the frontmatter must be a YAML mapping of keys (name:, model:, input: …)',
      );
      return { spec: null, diagnostics };
    }
    raw = (yaml.value as Raw | null) ?? {};
  }
  const locate = (path: (string | number)[], which: 'key' | 'value' = 'value'): Position =>
    yaml ? yaml.locate(path, which) : { line: 1, col: 1 };

  // Keys with shape errors are dropped so that everything else is still checked in the same pass.
  const badKeys = checkShape(raw, locate, report);
  raw = Object.fromEntries(Object.entries(raw).filter(([key]) => !badKeys.has(key)));

  // The template is checked even when the frontmatter is wrong: users fix both in one pass.
  const template = parts.template;
  const toFile = (line: number, col: number): Position => ({
    line: parts.templateStart.line + line - 1,
    col: line === 1 ? parts.templateStart.col + col - 1 : col,
  });
  let analysis: ReturnType<typeof analyzeTemplate> | null = null;
  try {
    analysis = analyzeTemplate(template);
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    report(toFile(err.line, err.col), 'template-syntax', err.message);
  }

  const stem = fileStem(file);
  const baseName = (raw.name as string | undefined) ?? stem.name;
  const variant = (raw.variant as string | undefined) ?? (raw.name === undefined ? stem.variant : undefined);
  if (!new RegExp(NAME_PATTERN).test(baseName)) {
    report(
      { line: 1, col: 1 },
      'name-invalid',
      `prompt name "${baseName}" (from the file name) may only use letters, digits, '-' and '_', at most ${MAX_NAME_LENGTH} characters; rename the file or set name: in the frontmatter`,
    );
  }
  if (variant !== undefined && raw.variant === undefined && !new RegExp(NAME_PATTERN).test(variant)) {
    report(
      { line: 1, col: 1 },
      'name-invalid',
      `variant "${variant}" (from the file name) may only use letters, digits, '-' and '_', at most ${MAX_NAME_LENGTH} characters; rename the file (name.variant.prompt) or set variant: in the frontmatter`,
    );
  }

  const input = (raw.input ?? {}) as Raw;
  const output = (raw.output ?? {}) as Raw;
  const { schema: inputSchema, isValid: isInputValid } = await toJsonSchema(
    input.schema,
    ['input', 'schema'],
    locate,
    report,
  );
  const { schema: outputSchema } = await toJsonSchema(output.schema, ['output', 'schema'], locate, report);

  const config = ctx.config;
  const model = (raw.model as string | undefined) ?? config.defaults.model;
  if (model)
    checkModel(model, raw.model !== undefined ? locate(['model']) : { line: 1, col: 1 }, config, report);
  const fallbackModels = (raw['promptops.fallbackModels'] as string[] | undefined) ?? [];
  for (const [i, fallback] of fallbackModels.entries()) {
    checkModel(fallback, locate(['promptops.fallbackModels', i]), config, report);
  }
  const outputPattern = (raw['promptops.contract'] as { output?: { pattern?: string } } | undefined)?.output
    ?.pattern;
  if (outputPattern !== undefined) {
    try {
      new RegExp(outputPattern, 'u');
    } catch (err) {
      report(
        locate(['promptops.contract', 'output', 'pattern']),
        'contract-invalid',
        `promptops.contract.output.pattern does not compile: ${(err as Error).message}`,
      );
    }
  }

  const risk = (raw['promptops.risk'] as RiskTier | undefined) ?? config.defaults.risk;
  const owner = raw['promptops.owner'] as string | undefined;
  if (!owner && RISK_TIERS.indexOf(risk) >= RISK_TIERS.indexOf(config.policy.ownerRequiredFrom)) {
    report(
      raw['promptops.risk'] !== undefined ? locate(['promptops.risk']) : { line: 1, col: 1 },
      'owner-required',
      `a ${risk}-risk prompt needs an owner who answers for it; add "promptops.owner: <team or person>" to the frontmatter`,
    );
  }

  const knowledge = normalizeKnowledge(raw['promptops.knowledge']);
  const contract = buildContract(raw['promptops.contract'] as Raw | undefined, config);
  for (const path of Object.keys(contract.fields)) {
    if (inputSchema && lookupSchemaPath(inputSchema, path.split('.')) === 'undeclared') {
      report(
        locate(['promptops.contract', 'fields', path], 'key'),
        'contract-field-unknown',
        `contract rule for "${path}" names a field the input schema does not declare; fix the path or declare the field`,
      );
    }
  }

  const guardrailsRaw = (raw['promptops.guardrails'] ?? {}) as Record<GuardrailStage, unknown[] | undefined>;
  const guardrails = {
    input: normalizeGuardrails(guardrailsRaw.input ?? [], 'input', config, locate, report),
    output: normalizeGuardrails(guardrailsRaw.output ?? [], 'output', config, locate, report),
  };

  const partials: Record<string, string> = {};
  if (analysis) {
    for (const helper of analysis.unknownHelpers) {
      report(
        toFile(helper.line, helper.col),
        'unknown-helper',
        `"${helper.name}" is not a known helper${didYouMean(helper.name, ['role', 'history', 'media', 'section', 'json', 'ifEquals', 'unlessEquals', 'if', 'unless', 'each', 'with'])}; Dotprompt only runs its own helpers`,
      );
    }
    for (const partial of analysis.partials) {
      const body = ctx.partials?.get(partial.name);
      if (body === undefined) {
        report(
          toFile(partial.line, partial.col),
          'unknown-partial',
          `partial "${partial.name}" does not exist; create _${partial.name}.prompt next to your prompts`,
        );
      } else {
        partials[partial.name] = body;
      }
    }
    // Variable checks need a schema to check against; when it failed to parse, that error is the one to fix.
    if (!badKeys.has('input') && isInputValid) {
      const knowledgeNames = new Set(knowledge.map((k) => k.as).filter((a): a is string => Boolean(a)));
      const reported = new Set<string>();
      const usedRoots = new Set<string>();
      for (const use of analysis.variables) {
        const root = use.path[0]!;
        usedRoots.add(root);
        if (knowledgeNames.has(root)) continue;
        const status = lookupSchemaPath(inputSchema, use.path);
        const shown = use.path.join('.').replace(/\.\[\]/g, '[]');
        if (status !== 'undeclared' || reported.has(shown)) continue;
        reported.add(shown);
        report(
          toFile(use.line, use.col),
          'undeclared-variable',
          inputSchema
            ? `the template reads "${shown}" but the input schema does not declare it; declare it under input.schema or fix the name${suggestPath(inputSchema, use.path)}`
            : `the template reads "${shown}" but the prompt has no input schema; declare its inputs under input.schema (for example "${root}: string")`,
        );
      }
      const required = (inputSchema?.required as string[] | undefined) ?? [];
      if (!analysis.usesWholeInput) {
        for (const field of required) {
          if (usedRoots.has(field)) continue;
          const rawKey = Object.keys((input.schema as Raw | undefined) ?? {}).find(
            (k) => k.replace(/[?(].*$/, '') === field,
          );
          report(
            locate(['input', 'schema', ...(rawKey ? [rawKey] : [])], 'key'),
            'unused-input',
            `required input "${field}" is never used by the template; use it, make it optional (${field}?) or remove it`,
            'warning',
          );
        }
      }
    }
  }

  if (diagnostics.some((d) => d.severity === 'error')) return { spec: null, diagnostics };

  const format = (output.format as 'json' | 'text' | undefined) ?? (outputSchema ? 'json' : 'text');
  const spec: PromptSpec = {
    name: variant ? `${baseName}.${variant}` : baseName,
    ...(variant ? { variant } : {}),
    ...(raw.description !== undefined ? { description: raw.description as string } : {}),
    ...(model ? { model } : {}),
    config: (raw.config as Raw | undefined) ?? {},
    tools: [...((raw.tools as string[] | undefined) ?? [])],
    input: { schema: inputSchema, default: (input.default as Raw | undefined) ?? {} },
    output: { format, schema: outputSchema },
    template,
    ...(Object.keys(partials).length > 0 ? { partials } : {}),
    promptops: {
      ...(owner ? { owner } : {}),
      risk,
      tags: [...new Set((raw['promptops.tags'] as string[] | undefined) ?? [])].sort(),
      contract,
      guardrails,
      knowledge,
      fallbackModels,
      trace: {
        redact: (raw['promptops.trace'] as { redact?: TraceRedaction } | undefined)?.redact ?? 'none',
      },
      overrides: {
        model: (raw['promptops.overrides'] as { model?: boolean } | undefined)?.model ?? false,
        config: [...((raw['promptops.overrides'] as { config?: string[] } | undefined)?.config ?? [])].sort(),
      },
    },
  };
  // The registry's own rule for what it keeps (the same one every push over HTTP passes).
  for (const problem of specProblems(spec)) report({ line: 1, col: 1 }, 'spec-invalid', problem);
  return diagnostics.some((d) => d.severity === 'error')
    ? { spec: null, diagnostics }
    : { spec, diagnostics };
}

type Reporter = (at: Position, rule: string, message: string, severity?: Diagnostic['severity']) => void;
type Locator = (path: (string | number)[], which?: 'key' | 'value') => Position;

/** Validates the frontmatter's shape; returns the top-level keys that have problems. */
function checkShape(raw: Raw, locate: Locator, report: Reporter): Set<string> {
  const validate = validators.frontmatter;
  const badKeys = new Set<string>();
  if (validate(raw)) return badKeys;
  for (const problem of describeAjvErrors(validate.errors)) {
    const key = problem.path[0];
    if (typeof key === 'string') badKeys.add(key);
    if (problem.isKey && problem.path.length === 1 && typeof key === 'string') {
      const hint =
        key === 'promptops'
          ? '; write extension keys flat, as "promptops.owner:", "promptops.risk:" …'
          : key.startsWith('promptops.')
            ? `${didYouMean(key, KNOWN_FRONTMATTER_KEYS)}; the promptops keys are ${KNOWN_FRONTMATTER_KEYS.filter((k) => k.startsWith('promptops.')).join(', ')}`
            : `${didYouMean(key, KNOWN_FRONTMATTER_KEYS)}; Dotprompt would silently ignore it (other tools' keys need a namespace, like "mytool.${key}")`;
      report(locate(problem.path, 'key'), 'unknown-key', `unknown frontmatter key "${key}"${hint}`);
      continue;
    }
    report(locate(problem.path, problem.isKey ? 'key' : 'value'), 'frontmatter-invalid', problem.message);
  }
  return badKeys;
}

async function toJsonSchema(
  value: unknown,
  path: string[],
  locate: Locator,
  report: Reporter,
): Promise<{ schema: JsonSchema | null; isValid: boolean }> {
  if (value === undefined || value === null) return { schema: null, isValid: true };
  let schema: JsonSchema | null;
  try {
    schema = (await picoschema(value)) as JsonSchema | null;
  } catch (err) {
    const message = (err as Error).message;
    const type = /type '([^']+)'/.exec(message)?.[1];
    const hint = type ? didYouMean(type, PICOSCHEMA_TYPES) : '';
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

const PICOSCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'any', 'array', 'object', 'enum'];

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

function checkModel(model: string, at: Position, config: ProjectConfig, report: Reporter): void {
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
    const known = Object.keys(config.providers);
    report(
      at,
      'unknown-provider',
      `model "${model}" names provider "${parts.provider}", which is not known${didYouMean(parts.provider, known)}; use one of ${known.join(', ')} or add it under providers: in promptops.yaml`,
    );
    return;
  }
  if (provider.type === 'offline' && !(OFFLINE_MODELS as readonly string[]).includes(parts.model)) {
    report(
      at,
      'unknown-model',
      `the offline provider has no model "${parts.model}"; use ${OFFLINE_MODELS.map((m) => `offline/${m}`).join(' or ')}`,
    );
  }
}

function buildContract(raw: Raw | undefined, config: ProjectConfig): ContractSpec {
  const maxInputChars = (raw?.maxInputChars as number | undefined) ?? config.defaults.contract.maxInputChars;
  const output = (raw?.output ?? {}) as Partial<ContractSpec['output']>;
  return {
    policy: (raw?.policy as ContractSpec['policy'] | undefined) ?? config.defaults.contract.policy,
    ...(maxInputChars !== undefined ? { maxInputChars } : {}),
    fields: (raw?.fields as ContractSpec['fields'] | undefined) ?? {},
    output: { ...output, reasks: output.reasks ?? 1 },
  };
}

function normalizeKnowledge(raw: unknown): KnowledgeRef[] {
  return ((raw as unknown[] | undefined) ?? []).map((item) =>
    typeof item === 'string' ? { entity: item } : (item as KnowledgeRef),
  );
}

function normalizeGuardrails(
  list: unknown[],
  stage: GuardrailStage,
  config: ProjectConfig,
  locate: Locator,
  report: Reporter,
): GuardrailDecl[] {
  const decls: GuardrailDecl[] = [];
  list.forEach((item, index) => {
    const entry = (typeof item === 'string' ? { name: item } : item) as Raw;
    const name = entry.name as string;
    const at = locate(['promptops.guardrails', stage, index]);
    const definition: GuardrailDefinition | undefined =
      BUILTIN_GUARDRAILS.get(name) ??
      (Object.hasOwn(config.guardrails.custom, name) ? customGuardrailDefinition(name) : undefined);
    if (!definition) {
      const known = [...BUILTIN_GUARDRAILS.keys(), ...Object.keys(config.guardrails.custom)];
      report(
        at,
        'unknown-guardrail',
        `unknown guardrail "${name}"${didYouMean(name, known)}; built-in guardrails are ${[...BUILTIN_GUARDRAILS.keys()].join(', ')}, and custom ones are declared under guardrails.custom in promptops.yaml`,
      );
      return;
    }
    if (!definition.stages.includes(stage)) {
      report(
        at,
        'guardrail-stage',
        `guardrail "${name}" checks ${definition.stages.join(' and ')} only; move it to promptops.guardrails.${definition.stages[0]}`,
      );
      return;
    }
    const action = (entry.action as GuardrailAction | undefined) ?? definition.defaultAction;
    if (action === 'reask' && stage === 'input') {
      report(
        at,
        'guardrail-action',
        `action "reask" re-asks the model and only applies to output guardrails; use block, flag or escalate for "${name}" on input`,
      );
    } else if (action === 'redact' && !definition.hasSpans) {
      report(
        at,
        'guardrail-action',
        `guardrail "${name}" does not find spans of text, so it cannot redact; use block, flag or fallback`,
      );
    } else if (action === 'fallback' && typeof entry.fallback !== 'string') {
      report(
        at,
        'guardrail-action',
        `action "fallback" for "${name}" needs the safe response to return: add fallback: "<text>"`,
      );
    }
    const options = (entry.options as Raw | undefined) ?? {};
    // Custom guardrails validate their own options; built-ins have build-time compiled validators.
    const validate = BUILTIN_GUARDRAILS.has(name)
      ? (validators as unknown as Record<string, validators.GeneratedValidator | undefined>)[
          guardrailValidatorName(name)
        ]
      : undefined;
    if (validate && !validate(options)) {
      for (const problem of describeAjvErrors(validate.errors, `${name} options`)) {
        report(
          locate(
            ['promptops.guardrails', stage, index, 'options', ...problem.path],
            problem.isKey ? 'key' : 'value',
          ),
          'guardrail-options',
          problem.message,
        );
      }
    } else if (name === 'regex') {
      try {
        new RegExp(options.pattern as string, (options.flags as string | undefined) ?? '');
      } catch (err) {
        report(
          locate(['promptops.guardrails', stage, index, 'options', 'pattern']),
          'guardrail-options',
          `regex options.pattern does not compile: ${(err as Error).message}`,
        );
      }
    }
    decls.push({
      name,
      action,
      options,
      ...(typeof entry.fallback === 'string' ? { fallback: entry.fallback } : {}),
    });
  });
  return decls;
}

/** A did-you-mean for a path the schema lacks, naming the sibling at the depth where it breaks. */
function suggestPath(schema: JsonSchema, path: readonly string[]): string {
  let node: JsonSchema = schema;
  const prefix: string[] = [];
  for (const segment of path) {
    const properties = (node.properties as Record<string, JsonSchema> | undefined) ?? {};
    if (segment === '[]') {
      node = (node.items as JsonSchema | undefined) ?? {};
    } else if (Object.hasOwn(properties, segment)) {
      node = properties[segment]!;
    } else {
      const hint = didYouMean(segment, Object.keys(properties));
      const guess = /"(.*)"/.exec(hint)?.[1];
      return guess ? ` (did you mean "${[...prefix, guess].join('.').replace(/\.\[\]/g, '[]')}"?)` : '';
    }
    prefix.push(segment);
  }
  return '';
}

/** `support-reply.prompt` → name; `support-reply.formal.prompt` → name + variant (Dotprompt's convention). */
export function fileStem(file: string): { name: string; variant?: string } {
  const base = file.split(/[\\/]/).pop() ?? file;
  const stem = base.replace(/\.prompt$/, '');
  const dot = stem.indexOf('.');
  return dot > 0 ? { name: stem.slice(0, dot), variant: stem.slice(dot + 1) } : { name: stem };
}
