/**
 * The operation table itself: every schema is one strict Ajv accepts, every operation is a method
 * of the store and of its HTTP client, and no two operations share a name or a route.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { createAjv } from '../../src/contracts/json-schema.js';
import { HttpStore } from '../../src/store/http-store.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'promptops-operations-'));
  store = await openStore(`sqlite:${path.join(dir, 'r.db')}`, dir, { project: 'acme' });
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the operation table', () => {
  it.each(OPERATIONS.map((op) => [op.name, op] as const))(
    '%s has schemas strict Ajv compiles',
    (_name, op) => {
      // strict: an unknown keyword, a misplaced `required` or an ambiguous type is an error, not ignored.
      const ajv = createAjv({ allowUnionTypes: true });
      for (const schema of [op.body, op.query, op.output])
        if (schema) expect(() => ajv.compile(schema)).not.toThrow();
    },
  );

  it('names each operation once and each route once', () => {
    const names = OPERATIONS.map((op) => op.name);
    const routes = OPERATIONS.map((op) => `${op.method} ${op.path}`);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('runs a store method (or answers itself), and the HTTP client has a method for each', () => {
    for (const op of OPERATIONS) {
      const runs = op.answer ?? (store as unknown as Record<string, unknown>)[op.name];
      expect(typeof runs, op.name).toBe('function');
      expect(typeof (HttpStore.prototype as unknown as Record<string, unknown>)[op.name], op.name).toBe(
        'function',
      );
    }
  });

  it('says where every path parameter comes from', () => {
    for (const op of OPERATIONS) {
      const inPath = [...op.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]).filter((p) => p !== 'project');
      const fromArgs = op.args.flatMap((arg) => (arg.in === 'path' ? [arg.name] : []));
      expect(fromArgs.sort(), `${op.name} ${op.path}`).toEqual(inPath.sort());
    }
  });

  it('declares the audit actions of every operation that changes something', () => {
    for (const op of OPERATIONS) {
      const writes =
        op.method !== 'GET' &&
        ![
          'readResponseCache',
          'writeResponseCache',
          'writeTraces',
          'recordEvalRun',
          'createReview',
          // Feedback is data about runs, as traces are: not a governance action.
          'recordFeedback',
          // A drift report is the monitor's reading of rollups, not a governance action.
          'recordDriftReport',
          // A canary interval's verdict is a measurement; the rollback or promotion it leads to is audited.
          'recordCanaryInterval',
          // Rollups and their retention are telemetry, as traces are.
          'writeRollups',
          'addRollups',
          'pruneTelemetry',
          // Alerts are raised, resolved and delivered by the alert service from what it measures, as
          // traces are written; acknowledging and redelivering (people's acts) are audited.
          'raiseAlert',
          'resolveAlert',
          'settleDelivery',
        ].includes(op.name);
      if (writes) expect(op.audit?.length ?? 0, op.name).toBeGreaterThan(0);
      else expect(op.audit, op.name).toBeUndefined();
    }
  });
});
