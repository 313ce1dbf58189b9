/**
 * The API, declared once. Each operation is one store method (or one the server answers itself:
 * `whoami`, `runChecks`) with everything the server, the OpenAPI document, the remote client
 * (HttpStore) and the route × role tests derive from it: HTTP method and path, the permission a
 * caller needs, the request's schemas, the result's schema, the audit actions it writes and where
 * each of the method's arguments travels. The entries live in one table file per aggregate,
 * mirroring the store's parts (src/api/operations/catalog.ts, runtime.ts, feedback.ts, telemetry.ts,
 * alerts.ts, audit.ts, change-requests.ts, releases.ts, identity.ts); this file assembles them.
 *
 * Adding an operation touches three files at most:
 * 1. Its store query: a method of the part of src/store/ that owns its aggregate (catalog-store.ts,
 *    release-store.ts, ...), named in the part's static `operations`. The `Store` type, KyselyStore's
 *    delegation and HttpStore's method all follow from that list.
 * 2. Its pure logic, if it decides anything (a planner in src/governance/, say), with the types of
 *    what it returns.
 * 3. Its entry in the aggregate's table file (src/api/operations/*.ts), keyed by the method's name:
 *    each file is typed by the operations its store part serves (`ServedBy`), so a part's operation
 *    without an entry, or an entry its part does not serve, does not compile. A record only this
 *    operation answers has its schema beside the entry; shared records and inputs are in
 *    src/api/schemas.ts, their types `Static<typeof ...Schema>` in src/store/types.ts.
 * That is all: the server registers the route, /openapi.json documents it, HttpStore has the
 * method, test/server/authz.test.ts puts it through every role (give a POST a minimal valid body
 * there), test/server/operations.test.ts compiles its schemas with strict Ajv and the store suites
 * run it over HTTP, checking the audit actions it declares. (Example: `snapshot`, added with its
 * entry in operations/releases.ts, governance/environment-snapshot.ts and the method in
 * release-store.ts.) A new store part brings a new table file, listed in PARTS below.
 */
import type { Operation, OperationName, OperationTable } from './operation.js';
import { ALERT_OPERATIONS } from './operations/alerts.js';
import { AUDIT_OPERATIONS } from './operations/audit.js';
import { CANARY_OPERATIONS } from './operations/canary.js';
import { CATALOG_OPERATIONS } from './operations/catalog.js';
import { CHANGE_REQUEST_OPERATIONS } from './operations/change-requests.js';
import { DRIFT_OPERATIONS } from './operations/drift.js';
import { FEEDBACK_OPERATIONS } from './operations/feedback.js';
import { GRAPH_OPERATIONS } from './operations/graph.js';
import { IDENTITY_OPERATIONS } from './operations/identity.js';
import { RELEASE_OPERATIONS } from './operations/releases.js';
import { RUNTIME_OPERATIONS } from './operations/runtime.js';
import { TELEMETRY_OPERATIONS } from './operations/telemetry.js';

/** The table files, in the order OPERATIONS (and so the OpenAPI document) lists their entries. */
const PARTS = [
  CATALOG_OPERATIONS,
  RUNTIME_OPERATIONS,
  FEEDBACK_OPERATIONS,
  DRIFT_OPERATIONS,
  TELEMETRY_OPERATIONS,
  ALERT_OPERATIONS,
  AUDIT_OPERATIONS,
  CHANGE_REQUEST_OPERATIONS,
  RELEASE_OPERATIONS,
  CANARY_OPERATIONS,
  IDENTITY_OPERATIONS,
  GRAPH_OPERATIONS,
] as const;

/** The operations some of `Parts` declare. */
type DeclaredIn<Parts extends readonly object[]> = Parts[number] extends infer Part
  ? Part extends object
    ? keyof Part
    : never
  : never;

/** An operation two of `Parts` declare (assembled, the later entry would silently replace the earlier). */
type DeclaredTwice<Parts extends readonly object[]> = Parts extends readonly [
  infer Head extends object,
  ...infer Tail extends readonly object[],
]
  ? (keyof Head & DeclaredIn<Tail>) | DeclaredTwice<Tail>
  : never;

/**
 * `T`, once `_Missing` and `_Twice` are never: an operation without an entry, or with two, fails
 * to compile here, naming it.
 */
type EveryOnce<T, _Missing extends never, _Twice extends never> = T;

/**
 * Every `/v1` operation, by name: each of `OperationName` (the store methods the API serves, and
 * the server's own) exactly once.
 */
const TABLE = Object.assign({}, ...PARTS) as EveryOnce<
  OperationTable<OperationName>,
  Exclude<OperationName, DeclaredIn<typeof PARTS>>,
  DeclaredTwice<typeof PARTS>
>;

/** Every `/v1` operation, in the table's order. */
export const OPERATIONS: readonly Operation[] = Object.entries(TABLE).map(([name, op]) => ({
  name: name as OperationName,
  ...op,
}));
