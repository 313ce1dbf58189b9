/**
 * The change requests' operations (store/change-request-store.ts), and `runChecks`, which the
 * server answers itself by running the checks as the control plane.
 */
import Type from 'typebox';
import { PromptOpsError } from '../../errors.js';
import type { ChangeRequestStore } from '../../store/change-request-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  ApprovalInputSchema,
  ChangeRequestSchema,
  CheckInputSchema,
  closed,
  OpenChangeRequestSchema,
  OverrideSchema,
  Str,
} from '../schemas.js';
import { wholeNumber } from '../wire.js';
import { actor, body, filter, list, P, path } from './shorthand.js';

const crNumber = path('number', (text) => wholeNumber(text, 'change request number'));

/** The change requests' entries in the operation table. */
export const CHANGE_REQUEST_OPERATIONS: OperationTable<ServedBy<typeof ChangeRequestStore> | 'runChecks'> = {
  openChangeRequest: {
    method: 'POST',
    path: `${P}/change-requests`,
    permission: 'cr.open',
    tag: 'change requests',
    summary: 'Propose a version: opens a change request with its risk score',
    status: 201,
    body: OpenChangeRequestSchema,
    output: ChangeRequestSchema,
    audit: ['cr.open'],
    args: [body, actor],
  },
  listChangeRequests: {
    method: 'GET',
    path: `${P}/change-requests`,
    permission: 'read',
    tag: 'change requests',
    summary: 'List change requests',
    query: closed({
      status: Type.Optional(Type.Enum(['open', 'closed', 'released'])),
      prompt: Type.Optional(Str),
    }),
    output: list(ChangeRequestSchema),
    args: [filter],
  },
  getChangeRequest: {
    method: 'GET',
    path: `${P}/change-requests/:number`,
    permission: 'read',
    tag: 'change requests',
    summary: 'One change request: checks, reviews, risk breakdown and gate',
    output: ChangeRequestSchema,
    args: [crNumber],
  },
  recordCheck: {
    method: 'POST',
    path: `${P}/change-requests/:number/checks`,
    permission: 'cr.check',
    tag: 'change requests',
    summary: 'Record an automated check run on the proposed version',
    body: CheckInputSchema,
    output: ChangeRequestSchema,
    audit: ['cr.check'],
    args: [crNumber, body, actor],
  },
  runChecks: {
    method: 'POST',
    path: `${P}/change-requests/:number/checks/run`,
    // The server, not the caller, produces the results (on the registered version, with its own
    // suite and providers), so authors may ask as well as CI (`cr.run_checks`).
    permission: 'cr.run_checks',
    tag: 'change requests',
    summary:
      'Run the checks on the control plane: lint of the registered spec, the suite from the server’s project folder and the regression comparison, recorded as `control-plane` (the only checks that count under `policy.checksBy: control-plane`). Authors and CI may ask (`cr.run_checks`), since the server produces the results; a second request for a run in progress joins it. Synchronous: a suite on a network model can take minutes',
    output: closed({ checks: list(CheckInputSchema), changeRequest: ChangeRequestSchema }),
    audit: ['cr.check'],
    args: [crNumber],
    // The suites run inside the request: the client waits for them (the server sets no limit).
    timeoutMs: 30 * 60_000,
    answer: (store, _caller, [number], server) => {
      if (!server.runChecks) {
        throw new PromptOpsError(
          'PO_ERR_CHECKS_UNAVAILABLE',
          'this server has no project folder to run checks from; start it with "promptops serve" in the catalog checkout',
        );
      }
      return server.runChecks(store, server.project, number as number);
    },
  },
  recordApproval: {
    method: 'POST',
    path: `${P}/change-requests/:number/reviews`,
    permission: 'cr.review',
    tag: 'change requests',
    summary: 'Approve, request changes or comment',
    body: ApprovalInputSchema,
    output: ChangeRequestSchema,
    audit: ['cr.approve', 'cr.request_changes', 'cr.comment'],
    args: [crNumber, body, actor],
  },
  overrideCheck: {
    method: 'POST',
    path: `${P}/change-requests/:number/overrides`,
    permission: 'policy.override',
    tag: 'change requests',
    summary: 'Accept a red check with a written justification (a policy exception)',
    body: OverrideSchema,
    output: ChangeRequestSchema,
    audit: ['policy.exception'],
    args: [crNumber, body, actor],
  },
  closeChangeRequest: {
    method: 'POST',
    path: `${P}/change-requests/:number/close`,
    permission: 'cr.close',
    tag: 'change requests',
    summary: 'Close a change request without releasing it',
    output: ChangeRequestSchema,
    audit: ['cr.close'],
    args: [crNumber, actor],
  },
};
