/**
 * What an API operation declares (the table of them is operations.ts, assembled from operations/*.ts): everything the server, the
 * OpenAPI document, the remote client and the route × role tests need to know about it.
 */
import type { TObject, TSchema } from 'typebox';
import type { ErrorCode } from '../errors.js';
import type { Permission, Role } from '../governance/rbac.js';
import type { CanaryPlan } from '../monitor/canary-plan.js';
import type { ChangeRequest, CheckInput, Store } from '../store/types.js';

/** The checks the control plane ran itself and recorded, and the change request they leave. */
export interface ChecksRun {
  checks: CheckInput[];
  changeRequest: ChangeRequest;
}

/** The operations the server answers itself (not one store method), as a remote client calls them. */
export interface ServerOperations {
  whoami(): Promise<{ subject: string; tokenId: string; roles: Role[] }>;
  runChecks(number: number): Promise<ChecksRun>;
  listEnvironments(): Promise<string[]>;
}

/** What the server brings to an operation's `answer` beyond the store. */
export interface ServerContext {
  /** The project the request acts in. */
  project: string;
  /** The server's environments, in promotion order (empty: any name is one). */
  environments: readonly string[];
  /** Runs a change request's checks as the control plane; absent on a server started without a project folder. */
  runChecks?: (store: Store, project: string, number: number) => Promise<ChecksRun>;
  /** The project's canary plan (promptops.yaml `canary:`): a canary released without a plan of its own carries it. */
  canaryPlan?: CanaryPlan;
}

/** What an operation is called: the store method it runs, or one the server answers itself. */
export type OperationName =
  | Exclude<
      keyof Store,
      'close' | 'closed' | 'isUnavailable' | 'forProject' | 'sessions' | 'ensureProject' | 'authenticate'
    >
  | keyof ServerOperations;

/** A table of operations, by name: an entry for each of `Name`, and for nothing else. */
export type OperationTable<Name extends OperationName> = { readonly [name in Name]: Omit<Operation, 'name'> };

/**
 * The operations a store part (a class naming, in its static `operations`, the methods it serves)
 * answers over the API: those of its methods that are operations.
 */
export type ServedBy<Part extends { readonly operations: readonly PropertyKey[] }> = Extract<
  Part['operations'][number],
  OperationName
>;

/**
 * Where one positional argument of the store method travels: a path parameter (which `parse` turns
 * into the argument, refusing what is not one), one body field or the whole body, one query field
 * or the whole query string (a filter), or the acting subject (or an object whose `field` it is),
 * which the server takes from the token and the client never sends.
 */
export type Arg =
  | { in: 'path'; name: string; parse?: (text: string) => unknown }
  | { in: 'body'; name?: string }
  | { in: 'query'; name?: string }
  | { in: 'actor'; field?: string };

/** A request as the wire carries it: path parameters and query fields are text. */
export interface WireRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Record<string, unknown>;
}

/** One API operation. */
export interface Operation {
  name: OperationName;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below `/v1`; project operations start with `/projects/:project`. */
  path: string;
  /**
   * What the caller's roles in the path's project must grant (null: any authenticated caller).
   * Operations outside `/projects/:project` (tokens, projects) are checked against the server's
   * own project, so only its admins manage identities.
   */
  permission: Permission | null;
  summary: string;
  tag: string;
  /** The success status (200 unless given). */
  status?: 201 | 204;
  body?: TSchema;
  query?: TObject;
  /** What a success answers (documentation; none for 204). */
  output?: TSchema;
  /** The audit actions the operation may append. */
  audit?: readonly string[];
  /** The store method's arguments, in order. */
  args: readonly Arg[];
  /** A body with `force` is a policy exception: it needs `policy.override` (an admin) too. */
  forceNeedsAdmin?: true;
  /** The `:label` parameter may be an environment, which moves only through releases or by an admin. */
  guardsEnvironmentLabel?: true;
  /** The client's request, where `args` alone cannot say it. */
  encode?: (args: readonly unknown[]) => Partial<WireRequest>;
  /** The server's store-method arguments, where `args` alone cannot say them (may refuse the request). */
  decode?: (request: WireRequest, actor: string) => unknown[];
  /** The server's answer, for an operation that is not one store method (`args` as `args` says them). */
  answer?: (
    store: Store,
    caller: { subject: string; tokenId: string },
    args: readonly unknown[],
    server: ServerContext,
  ) => Promise<unknown>;
  /** The result as it travels, and back (when JSON cannot carry it as it is). */
  toWire?: (result: unknown) => unknown;
  fromWire?: (wire: unknown) => unknown;
  /** The client's answer without a request (an empty write, an empty lookup); undefined: ask. */
  shortcut?: (args: readonly unknown[]) => { result: unknown } | undefined;
  /** How long the remote client waits for the answer (ms), when the operation may take longer than a call does. */
  timeoutMs?: number;
  /** What the server's auth caches must forget after the operation (a grant, a revoke). */
  invalidates?: (args: readonly unknown[], result: unknown) => { subject?: string; tokenId?: string };
  /**
   * The answer carries the project's revision (its audit head), sent as its ETag. A request whose
   * `If-None-Match` names the current revision gets 304 Not Modified: at once, or after holding it
   * up to the query's `wait` seconds for the revision to move (then 200 with the new answer).
   */
  revisionOf?: (result: unknown) => number;
  /** A store error that means a bad request over HTTP, and the code it is answered with. */
  refusals?: Partial<Record<ErrorCode, ErrorCode>>;
}
