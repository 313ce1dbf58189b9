import { Ajv, type Options } from 'ajv';

/**
 * The one way this project builds an Ajv instance, so that every schema (user contracts, file
 * formats, guardrail options) is checked with the same dialect and strictness.
 */
export function createAjv(options: Options = {}): Ajv {
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ...options });
}
