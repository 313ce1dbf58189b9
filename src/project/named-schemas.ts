import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../catalog/diagnostics.js';
import type { Reporter } from '../catalog/parse-context.js';
import { toJsonSchema } from '../catalog/parse-fields.js';
import { parseLocatedYaml } from '../catalog/source.js';
import type { JsonSchema } from '../catalog/spec.js';

/** The folder, next to promptops.yaml, whose files define named schemas. */
export const SCHEMAS_DIR = 'schemas';
const SCHEMA_FILE = /^([A-Za-z][\w-]{0,63})\.(json|ya?ml)$/;
/**
 * The most JSON one named schema may inline to. A schema naming another is copied in whole, so A
 * naming B twice, B naming C twice… doubles per level: without a cap thirty levels would need
 * gigabytes before any spec-size check ran.
 */
export const MAX_NAMED_SCHEMA_BYTES = 256 * 1024;

/**
 * The project's named schemas (Dotprompt's `defineSchema`): each `schemas/<Name>.yaml|.json` file
 * holds one schema, in Picoschema or JSON Schema, that prompts name as a type (`customer: Customer`,
 * `schema: Verdict`). A named schema may name others; they are resolved in whatever order works.
 * The schema is inlined into each version, so editing it makes new versions of the prompts that use it.
 */
export async function loadNamedSchemas(
  root: string,
): Promise<{ schemas: Map<string, JsonSchema>; diagnostics: Diagnostic[] }> {
  const dir = path.join(root, SCHEMAS_DIR);
  const files = await readdir(dir).catch(() => [] as string[]);
  const pending = new Map<string, { file: string; value: unknown }>();
  const diagnostics: Diagnostic[] = [];
  for (const name of files.sort()) {
    const match = SCHEMA_FILE.exec(name);
    if (!match) continue;
    const file = path.relative(process.cwd(), path.join(dir, name)) || name;
    const yaml = parseLocatedYaml(await readFile(path.join(dir, name), 'utf8'));
    if (yaml.errors.length > 0) {
      for (const e of yaml.errors) {
        diagnostics.push({ file, ...e.at, severity: 'error', rule: 'yaml-syntax', message: e.message });
      }
      continue;
    }
    pending.set(match[1]!, { file, value: yaml.value });
  }
  const schemas = new Map<string, JsonSchema>();
  const tooLarge: string[] = [];
  // Each pass defines the schemas whose names all resolve; a pass that defines none ends it.
  for (let progress = true; progress && pending.size > 0; ) {
    progress = false;
    for (const [name, { file, value }] of pending) {
      const { schema, isValid } = await toJsonSchema(
        value,
        [name],
        () => ({ line: 1, col: 1 }),
        () => {},
        schemas,
      );
      if (!isValid || !schema) continue;
      pending.delete(name);
      progress = true;
      const problem = sizeProblem(name, schema);
      if (problem) {
        diagnostics.push({
          file,
          line: 1,
          col: 1,
          severity: 'error',
          rule: 'schema-invalid',
          message: problem,
        });
        tooLarge.push(name);
      } else {
        schemas.set(name, schema);
      }
    }
  }
  for (const [name, { file, value }] of pending) {
    const report: Reporter = (at, rule, message, severity = 'error') =>
      diagnostics.push({ file, line: at.line, col: at.col, severity, rule, message });
    const big = tooLarge.find((n) => new RegExp(`\\b${n}\\b`).test(JSON.stringify(value)));
    if (big) {
      report(
        { line: 1, col: 1 },
        'schema-invalid',
        `${name} names ${big}, which is too large to inline (its file says why)`,
      );
      continue;
    }
    await toJsonSchema(value ?? {}, [name], () => ({ line: 1, col: 1 }), report, schemas);
    if (!diagnostics.some((d) => d.file === file)) {
      report({ line: 1, col: 1 }, 'schema-invalid', `${name} is empty; write a Picoschema or JSON Schema`);
    }
  }
  return { schemas, diagnostics };
}

/** Why a named schema is refused for its size, or undefined when it fits. */
function sizeProblem(name: string, schema: JsonSchema): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes <= MAX_NAMED_SCHEMA_BYTES) return undefined;
  return `${name} inlines to ${Math.ceil(bytes / 1024)} KB of JSON Schema; a named schema may be at most ${MAX_NAMED_SCHEMA_BYTES / 1024} KB. Each schema it names is copied in whole (naming one twice, at each level of nesting, doubles the size): name fewer, or flatten the nesting`;
}
