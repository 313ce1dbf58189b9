import type { Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import ajvFormats from 'ajv-formats';

/**
 * The one way this project builds an Ajv instance for prompt contracts: JSON Schema 2020-12, the
 * dialect Dotprompt's spec names (`$defs`, `prefixItems`, `unevaluatedProperties`…), with
 * OpenAPI's `nullable` that Ajv understands. Keywords are read as 2020-12 whatever `$schema` says
 * (the draft-07 meta-schema is added only so that a `$schema` naming it resolves): a draft-07
 * tuple (`items: [..]`, `additionalItems`) must go through `toDraft2020` (schema-check.ts) first,
 * as the input and output contracts do.
 */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, ...options });
  ajv.addMetaSchema(draft7);
  // `format: email`, `date-time`, `uri`… are checked, not ignored with a warning on stderr.
  // ajv-formats is CommonJS: its function is both the module and its `default`, however it is loaded.
  ajvFormats.default(ajv);
  return ajv;
}
