import { describeAjvErrors } from '../contracts/schema-errors.js';
import * as validators from '../generated/validators.js';
import { didYouMean } from '../suggest.js';
import { unlocatedSpecProblems } from './check-spec.js';
import type { Diagnostic } from './diagnostics.js';
import { KNOWN_FRONTMATTER_KEYS, MAX_NAME_LENGTH, NAME_PATTERN } from './frontmatter-schema.js';
import type { Locator, ParseContext, Raw, Reporter } from './parse-context.js';
import {
  buildContract,
  checkModels,
  checkOutputFormat,
  checkOutputPattern,
  checkOwner,
  normalizeKnowledge,
  toJsonSchema,
} from './parse-fields.js';
import { normalizeGuardrails } from './parse-guardrails.js';
import { checkTemplateUses } from './parse-template.js';
import {
  type LocatedYaml,
  type Position,
  type PromptSource,
  parseLocatedYaml,
  splitPromptSource,
} from './source.js';
import type {
  ContractSpec,
  JsonSchema,
  KnowledgeRef,
  OutputFormat,
  PromptSpec,
  RiskTier,
  TraceRedaction,
} from './spec.js';
import { analyzeTemplate, type TemplateAnalysis, TemplateSyntaxError } from './template.js';

/** The largest `.prompt` file accepted. Real prompts are a few KB; anything this big is a mistake. */
export const MAX_PROMPT_BYTES = 1024 * 1024;

export interface ParseResult {
  spec: PromptSpec | null;
  diagnostics: Diagnostic[];
}

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
  const report: Reporter = (at, rule, message, severity = 'error') =>
    diagnostics.push({ file, line: at.line, col: at.col, severity, rule, message });
  const hasErrors = () => diagnostics.some((d) => d.severity === 'error');

  const front = readFrontmatter(splitPromptSource(source), report);
  if (!front) return { spec: null, diagnostics };
  const { parts, yaml } = front;
  checkTemplateIsPresent(parts, source, report);
  const locate: Locator = (path, which = 'value') => (yaml ? yaml.locate(path, which) : { line: 1, col: 1 });
  // Keys with shape errors are dropped so that everything else is still checked in the same pass.
  const badKeys = checkShape(front.raw, locate, report);
  const raw = Object.fromEntries(Object.entries(front.raw).filter(([key]) => !badKeys.has(key)));
  // The template is checked even when the frontmatter is wrong: users fix both in one pass.
  const { analysis, toFile } = analyzeTemplateAt(parts, report);
  const names = resolveName(raw, file, report);

  const input = (raw.input ?? {}) as Raw;
  const output = (raw.output ?? {}) as Raw;
  const schemaOf = (value: unknown, key: string) =>
    toJsonSchema(value, [key, 'schema'], locate, report, ctx.schemas);
  const inputSchema = await schemaOf(input.schema, 'input');
  const { schema: outputSchema } = await schemaOf(output.schema, 'output');
  checkOutputFormat(output.format, outputSchema, locate, report);
  const { config, known } = ctx;
  const models = checkModels(raw, config, known, locate, report);
  checkOutputPattern(raw, locate, report);
  const { risk, owner } = checkOwner(raw, config, locate, report);
  const knowledge = normalizeKnowledge(raw['promptops.knowledge']);
  const contract = buildContract(
    raw['promptops.contract'] as Raw | undefined,
    config,
    inputSchema.schema,
    locate,
    report,
  );
  const guardrails = normalizeGuardrails(
    raw['promptops.guardrails'],
    known,
    config.guardrails.custom,
    locate,
    report,
  );
  const partials = analysis
    ? checkTemplateUses({
        analysis,
        toFile,
        partials: ctx.partials,
        inputSchema: !badKeys.has('input') && inputSchema.isValid ? inputSchema.schema : undefined,
        rawInputSchema: input.schema as Raw | undefined,
        knowledge,
        locate,
        report,
      })
    : {};
  if (hasErrors()) return { spec: null, diagnostics };

  const spec = buildSpec(raw, {
    names,
    model: models.model,
    fallbackModels: models.fallbackModels,
    inputSchema: inputSchema.schema,
    outputSchema,
    template: parts.template,
    partials,
    risk,
    owner,
    contract,
    guardrails,
    knowledge,
  });
  // The rest of the registry's rule for what it keeps (schemas and pattern were checked above, located).
  for (const problem of unlocatedSpecProblems(spec)) report({ line: 1, col: 1 }, 'spec-invalid', problem);
  return hasErrors() ? { spec: null, diagnostics } : { spec, diagnostics };
}

/** A file that ends at its closing `---` has no template: nothing a model should be sent. */
function checkTemplateIsPresent(parts: PromptSource, source: string, report: Reporter): void {
  if (parts.frontmatter === null || parts.template !== '') return;
  report(
    { line: source.split('\n').length, col: 1 },
    'empty-template',
    'the file ends at its closing ---: the prompt has no template (and Dotprompt reads a file without a line break after --- as all template). Write the prompt text below the ---',
  );
}

/** What parsing settled on, for `buildSpec`. */
interface SpecParts {
  names: { baseName: string; variant: string | undefined };
  model: string | undefined;
  fallbackModels: string[];
  inputSchema: JsonSchema | null;
  outputSchema: JsonSchema | null;
  template: string;
  partials: Record<string, string>;
  risk: RiskTier;
  owner: string | undefined;
  contract: ContractSpec;
  guardrails: PromptSpec['promptops']['guardrails'];
  knowledge: KnowledgeRef[];
}

/** The canonical spec of a prompt that parsed without errors: defaults filled in, lists sorted. */
function buildSpec(raw: Raw, p: SpecParts): PromptSpec {
  const input = (raw.input ?? {}) as Raw;
  const output = (raw.output ?? {}) as Raw;
  const format = (output.format as OutputFormat | undefined) ?? (p.outputSchema ? 'json' : 'text');
  return {
    name: p.names.variant ? `${p.names.baseName}.${p.names.variant}` : p.names.baseName,
    ...(p.names.variant ? { variant: p.names.variant } : {}),
    ...(raw.description !== undefined ? { description: raw.description as string } : {}),
    ...(p.model ? { model: p.model } : {}),
    config: (raw.config as Raw | undefined) ?? {},
    tools: [...((raw.tools as string[] | undefined) ?? [])],
    input: { schema: p.inputSchema, default: (input.default as Raw | undefined) ?? {} },
    output: { format, schema: p.outputSchema },
    template: p.template,
    ...(Object.keys(p.partials).length > 0 ? { partials: p.partials } : {}),
    promptops: {
      ...(p.owner ? { owner: p.owner } : {}),
      risk: p.risk,
      tags: [...new Set((raw['promptops.tags'] as string[] | undefined) ?? [])].sort(),
      contract: p.contract,
      guardrails: p.guardrails,
      knowledge: p.knowledge,
      fallbackModels: p.fallbackModels,
      trace: {
        redact: (raw['promptops.trace'] as { redact?: TraceRedaction } | undefined)?.redact ?? 'none',
      },
      overrides: {
        model: (raw['promptops.overrides'] as { model?: boolean } | undefined)?.model ?? false,
        config: [...((raw['promptops.overrides'] as { config?: string[] } | undefined)?.config ?? [])].sort(),
      },
    },
  };
}

/** The frontmatter as a mapping (empty without one); null, with the problem reported, when it is not one. */
function readFrontmatter(
  parts: PromptSource,
  report: Reporter,
): { parts: PromptSource; yaml: LocatedYaml | null; raw: Raw } | null {
  if (parts.isUnclosed) {
    report(
      { line: 1, col: 1 },
      'frontmatter-unclosed',
      "the frontmatter opened with '---' on line 1 is never closed; add a '---' line after it",
    );
    return null;
  }
  if (parts.frontmatter === null) return { parts, yaml: null, raw: {} };
  const yaml = parseLocatedYaml(parts.frontmatter, 2);
  for (const e of yaml.errors) report(e.at, 'yaml-syntax', `invalid YAML in frontmatter: ${e.message}`);
  if (yaml.errors.length > 0) return null;
  if (yaml.value !== null && (typeof yaml.value !== 'object' || Array.isArray(yaml.value))) {
    report(
      { line: 2, col: 1 },
      'frontmatter-shape',
      'the frontmatter must be a YAML mapping of keys (name:, model:, input: …)',
    );
    return null;
  }
  return { parts, yaml, raw: (yaml.value as Raw | null) ?? {} };
}

/** The template's analysis (null, reported, when its syntax is wrong) and how its positions map to the file. */
function analyzeTemplateAt(
  parts: PromptSource,
  report: Reporter,
): { analysis: TemplateAnalysis | null; toFile: (line: number, col: number) => Position } {
  const toFile = (line: number, col: number): Position => ({
    line: parts.templateStart.line + line - 1,
    col: line === 1 ? parts.templateStart.col + col - 1 : col,
  });
  try {
    return { analysis: analyzeTemplate(parts.template), toFile };
  } catch (err) {
    if (!(err instanceof TemplateSyntaxError)) throw err;
    report(toFile(err.line, err.col), 'template-syntax', err.message);
    return { analysis: null, toFile };
  }
}

/** The prompt's name and variant: from the frontmatter, else from the file name (checked, since no schema saw it). */
function resolveName(
  raw: Raw,
  file: string,
  report: Reporter,
): { baseName: string; variant: string | undefined } {
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
  return { baseName, variant };
}

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

/** `support-reply.prompt` → name; `support-reply.formal.prompt` → name + variant (Dotprompt's convention). */
export function fileStem(file: string): { name: string; variant?: string } {
  const base = file.split(/[\\/]/).pop() ?? file;
  const stem = base.replace(/\.prompt$/, '');
  const dot = stem.indexOf('.');
  return dot > 0 ? { name: stem.slice(0, dot), variant: stem.slice(dot + 1) } : { name: stem };
}
