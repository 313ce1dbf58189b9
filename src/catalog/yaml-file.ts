import { describeAjvErrors, type SchemaProblem } from '../contracts/schema-errors.js';
import type { GeneratedValidator } from '../generated/validators.js';
import type { Diagnostic } from './diagnostics.js';
import { type LocatedYaml, parseLocatedYaml } from './source.js';

/**
 * Parses a YAML file with positions and validates it against a (build-time compiled) schema.
 * Every problem comes back as a diagnostic with its line and column; `value` is set only when there
 * are none. An empty document counts as an empty mapping. The one way config and suites are read.
 */
export function checkYamlFile(
  text: string,
  file: string,
  options: {
    validate: GeneratedValidator;
    rule: string;
    syntaxHint: string;
    /** Said when the document is not a mapping at all (clearer than the schema's "must be object"). */
    notMapping: string;
    skip?: (problem: SchemaProblem) => boolean;
  },
): { yaml: LocatedYaml; value: unknown; diagnostics: Diagnostic[] } {
  const diag = (at: { line: number; col: number }, rule: string, message: string): Diagnostic => ({
    file,
    line: at.line,
    col: at.col,
    severity: 'error',
    rule,
    message,
  });
  const yaml = parseLocatedYaml(text);
  if (yaml.errors.length > 0) {
    return {
      yaml,
      value: null,
      diagnostics: yaml.errors.map((e) => diag(e.at, 'yaml-syntax', `${e.message}; ${options.syntaxHint}`)),
    };
  }
  const value = yaml.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const shapeRule = `${options.rule.split('-')[0]}-shape`;
    return { yaml, value: null, diagnostics: [diag({ line: 1, col: 1 }, shapeRule, options.notMapping)] };
  }
  const diagnostics: Diagnostic[] = [];
  if (!options.validate(value)) {
    for (const problem of describeAjvErrors(options.validate.errors)) {
      if (options.skip?.(problem)) continue;
      diagnostics.push(
        diag(yaml.locate(problem.path, problem.isKey ? 'key' : 'value'), options.rule, problem.message),
      );
    }
  }
  return { yaml, value: diagnostics.length === 0 ? value : null, diagnostics };
}
