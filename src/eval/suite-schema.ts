// The shape of a NAME.tests.yaml suite, compiled at build time (scripts/gen-validators.ts).

import { ASSERTION_SCHEMA } from '../project/config-schema.js';

const testCase = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    vars: { type: 'object' },
    assert: { type: 'array', items: ASSERTION_SCHEMA },
    tags: { type: 'array', items: { type: 'string' } },
    /** A CSV (header row) or JSONL file beside the suite; each row becomes a case's vars. */
    dataset: { type: 'string', pattern: '\\.(csv|jsonl)$' },
  },
  additionalProperties: false,
};

export const SUITE_SCHEMA = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    threshold: { type: 'number', minimum: 0, maximum: 1 },
    defaultTest: {
      type: 'object',
      properties: { vars: { type: 'object' }, assert: { type: 'array', items: ASSERTION_SCHEMA } },
      additionalProperties: false,
    },
    tests: { type: 'array', items: testCase },
  },
  required: ['tests'],
  additionalProperties: false,
};
