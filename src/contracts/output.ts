import type { ValidateFunction } from 'ajv';
import type { JsonSchema, OutputFormat, OutputRules } from '../catalog/spec.js';
import { createAjv } from './json-schema.js';
import { toDraft2020 } from './schema-check.js';
import { describeAjvError } from './schema-errors.js';

const outputAjv = createAjv({ strict: false, allErrors: true, validateSchema: false });

/** A version's output contract, compiled once. */
export interface CompiledOutputContract {
  format: OutputFormat;
  validate: ValidateFunction | null;
  rules: OutputRules;
  pattern: RegExp | null;
}

export function compileOutputContract(
  format: OutputFormat,
  schema: JsonSchema | null,
  rules: OutputRules,
): CompiledOutputContract {
  return {
    format,
    validate: schema ? outputAjv.compile(toDraft2020(schema)) : null,
    rules,
    pattern: rules.pattern ? new RegExp(rules.pattern, 'u') : null,
  };
}

export type OutputCheck = { ok: true; value: unknown } | { ok: false; problems: string[] };

/**
 * Checks a model's answer, read as its format says (Genkit's formats): `json` and `array` a JSON
 * value (from a ```json fence or bare), `jsonl` one JSON object per line, `enum` the trimmed text
 * without surrounding quotes; each validated against the schema. Text is checked against
 * `maxChars` and `pattern`.
 */
export function checkOutput(text: string, compiled: CompiledOutputContract): OutputCheck {
  if (compiled.format === 'text') {
    const problems: string[] = [];
    if (compiled.rules.maxChars !== undefined && text.length > compiled.rules.maxChars) {
      problems.push(
        `the answer is ${text.length} characters; at most ${compiled.rules.maxChars} are allowed`,
      );
    }
    if (compiled.pattern && !compiled.pattern.test(text))
      problems.push(`the answer must match /${compiled.pattern.source}/`);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: text };
  }
  const extracted = readAnswer(text, compiled.format);
  if (!extracted.ok) return { ok: false, problems: [extracted.problem] };
  if (compiled.validate && !compiled.validate(extracted.value)) {
    return {
      ok: false,
      problems: (compiled.validate.errors ?? []).map((e) => {
        const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the answer';
        const params = e.params as Record<string, unknown>;
        if (e.keyword === 'required')
          return `${where === 'the answer' ? '' : `${where}.`}${String(params.missingProperty)} is required`;
        if (e.keyword === 'additionalProperties')
          return `${where} has an unexpected field "${String(params.additionalProperty)}"`;
        if (e.keyword === 'enum')
          return `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        return `${where} ${describeAjvError(e)}`;
      }),
    };
  }
  return { ok: true, value: extracted.value };
}

/** The value of an answer in a structured format, or what keeps it from being one. */
export function readAnswer(
  text: string,
  format: Exclude<OutputFormat, 'text'>,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (format === 'enum')
    return {
      ok: true,
      value: text
        .trim()
        .replace(/^(["'])(.*)\1$/s, '$2')
        .trim(),
    };
  if (format === 'jsonl') return readJsonLines(text);
  const extracted = extractJson(text);
  if (format === 'array' && extracted.ok && !Array.isArray(extracted.value)) {
    return { ok: false, problem: 'the answer is not a JSON array; answer with a single JSON array' };
  }
  return extracted;
}

/** The JSON objects of an answer, one per line; lines that do not start with `{` are skipped (Genkit's jsonl). */
function readJsonLines(text: string): { ok: true; value: unknown[] } | { ok: false; problem: string } {
  const body = /```(?:jsonl|json)?\s*\n([\s\S]*?)```/.exec(text)?.[1] ?? text;
  const values: unknown[] = [];
  for (const [i, line] of body.split('\n').entries()) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      values.push(JSON.parse(trimmed));
    } catch {
      return {
        ok: false,
        problem: `line ${i + 1} of the answer is not a JSON object; answer with one JSON object per line`,
      };
    }
  }
  return { ok: true, value: values };
}

/** Finds the JSON value in a model's answer: a ```json fence, the whole text, or the first balanced object/array. */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const fence = /```(?:json|JSON)?\s*\n([\s\S]*?)```/.exec(text);
  const candidates = [fence?.[1], text.trim(), firstBalanced(text)].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch {
      // try the next candidate
    }
  }
  return { ok: false, problem: 'the answer holds no valid JSON; answer with a single JSON object' };
}

function firstBalanced(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}
