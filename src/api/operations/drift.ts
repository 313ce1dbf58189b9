/** Drift's operations (store/drift-store.ts): the drift monitor's last report per prompt and environment. */
import Type from 'typebox';
import type { DriftReport } from '../../monitor/drift.js';
import type { DriftStore } from '../../store/drift-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { closed, Str } from '../schemas.js';
import { body, filter, list, P } from './shorthand.js';

/** A report as the monitor computes it (src/monitor/drift.ts); its findings are open-ended. */
const DriftReportSchema = Type.Unsafe<DriftReport>({
  type: 'object',
  required: ['prompt', 'environment', 'version', 'severity', 'reference', 'current', 'computedAt'],
  properties: {
    prompt: Str,
    environment: Str,
    version: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 },
    severity: { enum: ['none', 'moderate', 'major'] },
    reference: { type: 'object' },
    current: { type: 'object' },
    computedAt: { type: 'string', format: 'date-time' },
  },
});

/** Drift's entries in the operation table. */
export const DRIFT_OPERATIONS: OperationTable<ServedBy<typeof DriftStore>> = {
  recordDriftReport: {
    method: 'POST',
    path: `${P}/drift`,
    // The drift monitor's word: the last report decides which bands are already alerted after a
    // restart, so a forged one would silence alerts. The control plane writes it, like alerts.
    permission: 'admin.manage',
    tag: 'drift',
    summary: "Keep a drift report as its prompt and environment's last",
    status: 204,
    body: DriftReportSchema,
    args: [body],
  },
  listDriftReports: {
    method: 'GET',
    path: `${P}/drift`,
    permission: 'read',
    tag: 'drift',
    summary: 'The drift monitor’s last report of each prompt and environment',
    query: closed({ prompt: Type.Optional(Str), environment: Type.Optional(Str) }),
    output: list(DriftReportSchema),
    args: [filter],
  },
};
