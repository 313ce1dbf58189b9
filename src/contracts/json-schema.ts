import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * The one way this project builds an Ajv instance, so that every schema (user contracts, file
 * formats, guardrail options) is checked with the same dialect and strictness.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ...options });
  // `format: email`, `date-time`, `uri`… are checked, not ignored with a warning on stderr.
  // ajv-formats is CommonJS: its function is both the module and its `default`, however it is loaded.
  ajvFormats.default(ajv);
  return ajv;
}
