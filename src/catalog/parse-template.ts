import { didYouMean } from '../suggest.js';
import type { Locator, Raw, Reporter } from './parse-context.js';
import type { Position } from './source.js';
import type { JsonSchema, KnowledgeRef } from './spec.js';
import { KNOWN_HELPERS, lookupSchemaPath, type TemplateAnalysis } from './template.js';

/** Dotprompt's roles: every provider maps each one explicitly (src/providers/*-messages.ts). */
const ROLES = ['system', 'user', 'model', 'tool'];

/** Where the template's uses are checked against: the input schema, the knowledge, the partials. */
export interface TemplateUses {
  analysis: TemplateAnalysis;
  /** A template line and column as a file position. */
  toFile: (line: number, col: number) => Position;
  partials: ReadonlyMap<string, string> | undefined;
  /** The input schema; undefined when it could not be read (its own error is the one to fix). */
  inputSchema: JsonSchema | null | undefined;
  /** The input schema as written, to locate a required field. */
  rawInputSchema: Raw | undefined;
  knowledge: readonly KnowledgeRef[];
  locate: Locator;
  report: Reporter;
}

/**
 * Checks what the template uses: helpers, partials (returns the bodies of those it includes), and
 * variables against the input schema.
 */
export function checkTemplateUses(uses: TemplateUses): Record<string, string> {
  const { analysis, toFile, report } = uses;
  for (const helper of analysis.unknownHelpers) {
    report(
      toFile(helper.line, helper.col),
      'unknown-helper',
      `"${helper.name}" is not a known helper${didYouMean(helper.name, [...KNOWN_HELPERS])}; Dotprompt only runs its own helpers`,
    );
  }
  for (const role of analysis.roles) {
    if (ROLES.includes(role.name)) continue;
    if (role.name === 'assistant') {
      // Versions pushed before this rule say assistant; it renders as model, so it is not refused.
      report(
        toFile(role.line, role.col),
        'unknown-role',
        `role "assistant" is OpenAI's name for Dotprompt's "model"; it is sent as model, but write {{role "model"}}`,
        'warning',
      );
      continue;
    }
    report(
      toFile(role.line, role.col),
      'unknown-role',
      `role "${role.name}" is not a Dotprompt role${didYouMean(role.name, ROLES)}; use system, user, model (the model's turns; OpenAI calls it assistant) or tool`,
    );
  }
  const partials: Record<string, string> = {};
  for (const partial of analysis.partials) {
    const body = uses.partials?.get(partial.name);
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
  if (uses.inputSchema !== undefined) checkVariables(uses, uses.inputSchema);
  return partials;
}

/** Reports variables the input schema does not declare, and required inputs the template never uses. */
function checkVariables(uses: TemplateUses, inputSchema: JsonSchema | null): void {
  const { analysis, toFile, report } = uses;
  const knowledgeNames = new Set(uses.knowledge.map((k) => k.as).filter((a): a is string => Boolean(a)));
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
  if (analysis.usesWholeInput) return;
  for (const field of (inputSchema?.required as string[] | undefined) ?? []) {
    if (usedRoots.has(field)) continue;
    const rawKey = Object.keys(uses.rawInputSchema ?? {}).find((k) => k.replace(/[?(].*$/, '') === field);
    report(
      uses.locate(['input', 'schema', ...(rawKey ? [rawKey] : [])], 'key'),
      'unused-input',
      `required input "${field}" is never used by the template; use it, make it optional (${field}?) or remove it`,
      'warning',
    );
  }
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
