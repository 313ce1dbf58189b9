/**
 * The audit log's operations (store/audit-log.ts): reading the log and verifying its hash chain.
 */
import Type from 'typebox';
import type { AuditLog } from '../../store/audit-log.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { AuditEntrySchema, AuditVerificationSchema, closed, Limit, wholeNumberText } from '../schemas.js';
import { filter, list, P } from './shorthand.js';

/** The audit log's entries in the operation table. */
export const AUDIT_OPERATIONS: OperationTable<ServedBy<typeof AuditLog>> = {
  listAudit: {
    method: 'GET',
    path: `${P}/audit`,
    permission: 'read',
    tag: 'audit',
    summary: 'The audit log, newest first',
    query: closed({ limit: Type.Optional(Limit) }),
    output: list(AuditEntrySchema),
    args: [filter],
  },
  verifyAudit: {
    method: 'GET',
    path: `${P}/audit/verify`,
    permission: 'read',
    tag: 'audit',
    summary:
      "Recompute the audit hash chain (naming the first broken entry) and compare labels and active releases with it; `at` returns that entry's hash for a checkpoint",
    query: closed({ at: Type.Optional(wholeNumberText('^[1-9][0-9]{0,14}$')) }),
    output: AuditVerificationSchema,
    args: [filter],
  },
};
