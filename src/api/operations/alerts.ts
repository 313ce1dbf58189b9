/**
 * Alerts' operations (store/alert-store.ts): what rules, canaries and drift checks raised, and the
 * webhook deliveries that notify people of them.
 *
 * Acknowledging and redelivering need `release.rollback`: they are acts of whoever answers for a
 * prompt in production (releasers and admins), the people who would roll a bad release back. A
 * viewer or a runtime token may list alerts but not silence them. Raising, resolving and the
 * delivery worker's operations are the alert service's own: it runs in the control plane on the
 * store itself, so over HTTP they need an admin.
 */
import Type from 'typebox';
import type { AlertStore } from '../../store/alert-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  AlertRecordSchema,
  closed,
  DeliveryOutcomeSchema,
  DueDeliverySchema,
  Limit,
  NewAlertSchema,
  RaisedAlertSchema,
  Str,
  Text,
} from '../schemas.js';
import { filterOf } from '../wire.js';
import { actor, body, field, list, P, path } from './shorthand.js';

const alertQuery = closed({
  status: Type.Optional(Type.Enum(['firing', 'acknowledged', 'resolved', 'open', 'all'])),
  deadLetters: Type.Optional(Type.Enum(['true', 'false'])),
  limit: Type.Optional(Limit),
});

/** Alerts' entries in the operation table. */
export const ALERT_OPERATIONS: OperationTable<ServedBy<typeof AlertStore>> = {
  listAlerts: {
    method: 'GET',
    path: `${P}/alerts`,
    permission: 'read',
    tag: 'alerts',
    summary: 'Alerts, newest first, with their webhook deliveries (open ones unless a status is given)',
    query: alertQuery,
    output: list(AlertRecordSchema),
    args: [{ in: 'query' }],
    encode: ([given]) => {
      const { deadLetters, ...rest } = (given ?? {}) as { deadLetters?: boolean; limit?: number };
      return {
        query: {
          ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === undefined ? v : String(v)])),
          deadLetters: deadLetters ? 'true' : undefined,
        },
      };
    },
    decode: ({ query }) => {
      const { deadLetters, ...rest } = query;
      return [{ ...filterOf(alertQuery, rest), ...(deadLetters === 'true' ? { deadLetters: true } : {}) }];
    },
  },
  ackAlert: {
    method: 'POST',
    path: `${P}/alerts/:id/ack`,
    permission: 'release.rollback',
    tag: 'alerts',
    summary: 'Acknowledge an open alert (someone is on it), with a note',
    body: closed({ note: Type.Optional(Text) }),
    output: AlertRecordSchema,
    audit: ['alert.ack'],
    args: [path('id'), field('note'), actor],
  },
  redeliverAlert: {
    method: 'POST',
    path: `${P}/alerts/:id/redeliver`,
    permission: 'release.rollback',
    tag: 'alerts',
    summary: "Re-queue an alert's dead webhook deliveries (attempts start over)",
    output: AlertRecordSchema,
    audit: ['alert.redeliver'],
    args: [path('id'), actor],
  },
  raiseAlert: {
    method: 'POST',
    path: `${P}/alerts`,
    permission: 'admin.manage',
    tag: 'alerts',
    summary: 'Raise an alert, or update the open one with its dedupe key (the alert service does this)',
    status: 201,
    body: NewAlertSchema,
    output: RaisedAlertSchema,
    args: [body],
  },
  resolveAlert: {
    method: 'POST',
    path: `${P}/alerts/resolve`,
    permission: 'admin.manage',
    tag: 'alerts',
    summary: 'Resolve the open alert with a dedupe key: its condition cleared (the alert service does this)',
    body: closed({ dedupeKey: Str, at: Str }),
    output: Type.Union([AlertRecordSchema, Type.Null()]),
    args: [field('dedupeKey'), field('at')],
  },
  dueDeliveries: {
    method: 'GET',
    path: `${P}/alert-deliveries/due`,
    permission: 'admin.manage',
    tag: 'alerts',
    summary: 'Webhook deliveries due at a time (the delivery worker reads them)',
    query: closed({ at: Type.String({ format: 'date-time' }) }),
    output: list(DueDeliverySchema),
    args: [{ in: 'query', name: 'at' }],
  },
  settleDelivery: {
    method: 'POST',
    path: `${P}/alert-deliveries/settle`,
    permission: 'admin.manage',
    tag: 'alerts',
    summary: 'Record what an attempt to deliver came to (the delivery worker does this)',
    status: 204,
    body: DeliveryOutcomeSchema,
    args: [body],
  },
};
