import { checkJsonSchema } from '../contracts/schema-check.js';
import { describeAjvErrors } from '../contracts/schema-errors.js';
import { PromptOpsError } from '../errors.js';
import { spec as validateSpecShape } from '../generated/validators.js';
import { canonicalJson } from './canonical.js';
import type { JsonSchema, PromptSpec } from './spec.js';
import { MAX_SPEC_BYTES } from './spec-schema.js';

/** How deep a stored value may nest: far beyond any real spec or trace, well within every reader's stack. */
export const MAX_NESTING = 512;

/**
 * Where a value holds something one of the registry's engines cannot store as given: a NUL
 * character (PostgreSQL text refuses it), a lone UTF-16 surrogate (not UTF-8, so it would be
 * replaced on the way in), a number JSON cannot hold (non-finite, BigInt), or nesting deeper than
 * MAX_NESTING (which the recursive readers of a stored value could not walk). Null when there is
 * none. Object keys are checked like strings. Walks with its own stack, so hostile nesting cannot
 * overflow it.
 */
export function findUnstorable(root: unknown, rootPath = ''): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: rootPath, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const found = unstorableText(value, path);
      if (found) return found;
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${path || 'the value'} is not a finite number`;
      continue;
    }
    if (typeof value === 'bigint') return `${path || 'the value'} is a BigInt, which JSON cannot hold`;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_NESTING) {
      const where = path.length > 60 ? `${path.slice(0, 60)}…` : path || 'the value';
      return `${where} is nested more than ${MAX_NESTING} levels deep`;
    }
    // Children go on the stack last-first, so problems are found in document order.
    const children: { value: unknown; path: string; depth: number }[] = [];
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries())
        children.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
    } else {
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        const found = unstorableText(key, `the key ${JSON.stringify(at)}`);
        if (found) return found;
        children.push({ value: item, path: at, depth: depth + 1 });
      }
    }
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]!);
  }
  return null;
}

/** With the `u` flag a pair is one code point, so this matches only surrogates standing alone. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function unstorableText(text: string, where: string): string | null {
  if (text.includes('\u0000')) return `${where || 'the text'} contains a NUL character (\\u0000)`;
  if (LONE_SURROGATE.test(text))
    return `${where || 'the text'} contains a lone UTF-16 surrogate (not valid Unicode)`;
  return null;
}

/**
 * Everything wrong with a value that claims to be a canonical `PromptSpec`: its shape (the
 * registry's readers rely on every required field), its name (safe in refs and URLs), its JSON
 * Schemas and patterns, what the engines can store, and its size. Empty when it is a spec the
 * registry may keep. Every push (local, over HTTP, or straight to a store) runs it on what it
 * receives, and `parsePrompt` on what it builds: one rule for every way in.
 */
export function specProblems(value: unknown): string[] {
  return collectSpecProblems(value, true);
}

/**
 * `specProblems` without the checks `parsePrompt` has already made with a line and column (the
 * JSON Schemas and the output pattern), so that each check runs once.
 */
export function unlocatedSpecProblems(value: unknown): string[] {
  return collectSpecProblems(value, false);
}

function collectSpecProblems(value: unknown, withSchemas: boolean): string[] {
  const unstorable = findUnstorable(value, 'spec');
  if (unstorable) return [unstorable];
  if (!validateSpecShape(value)) {
    return describeAjvErrors(validateSpecShape.errors, 'spec').map((p) => p.message);
  }
  const spec = value as PromptSpec;
  const problems: string[] = [];
  if (spec.variant === undefined && spec.name.includes('.')) {
    problems.push(`spec.name "${spec.name}" has a variant part but spec.variant is missing`);
  }
  if (spec.variant !== undefined && !spec.name.endsWith(`.${spec.variant}`)) {
    problems.push(`spec.name "${spec.name}" must end in ".${spec.variant}", its variant`);
  }
  if (withSchemas) problems.push(...schemaProblems(spec));
  const bytes = Buffer.byteLength(canonicalJson(spec));
  if (bytes > MAX_SPEC_BYTES) {
    problems.push(
      `the spec is ${(bytes / 1024 / 1024).toFixed(1)} MB; a spec may be at most ${MAX_SPEC_BYTES / 1024 / 1024} MB`,
    );
  }
  return problems;
}

/** The spec's JSON Schemas must be valid and its output pattern must compile. */
function schemaProblems(spec: PromptSpec): string[] {
  const problems: string[] = [];
  for (const [where, schema] of [
    ['spec.input.schema', spec.input.schema],
    ['spec.output.schema', spec.output.schema],
  ] as const) {
    if (schema)
      for (const problem of checkJsonSchema(schema as JsonSchema)) problems.push(`${where}: ${problem}`);
  }
  const pattern = spec.promptops.contract.output?.pattern;
  if (pattern !== undefined) {
    try {
      new RegExp(pattern, 'u');
    } catch (err) {
      problems.push(`spec.promptops.contract.output.pattern does not compile: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * The refusal of a push whose specs are not all valid (`specProblems`), naming the first bad
 * one and what is wrong with it; null when every spec may be kept. `code` says who refuses: a
 * request (`PO_ERR_REQUEST_INVALID`) or a caller of the store (`PO_ERR_CATALOG_INVALID`).
 */
export function refuseInvalidSpecs(
  specs: readonly unknown[],
  code: 'PO_ERR_REQUEST_INVALID' | 'PO_ERR_CATALOG_INVALID',
): PromptOpsError | null {
  for (const [index, spec] of specs.entries()) {
    const problems = specProblems(spec);
    if (problems.length === 0) continue;
    const name = (spec as { name?: unknown } | null)?.name;
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 200)) : `#${index + 1}`;
    return new PromptOpsError(
      code,
      `push refused: the spec of prompt ${shown} is not a valid prompt spec: ${problems.slice(0, 5).join('; ')}. Push it from its .prompt file with "promptops push" (lint checks the same rules). Nothing was written.`,
      { index, problems },
    );
  }
  return null;
}
