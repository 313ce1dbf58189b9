/**
 * The two halves of the operation table's argument mapping: the client turns a store method's
 * arguments into a request (`requestOf`), the server turns the request back into them (`argsOf`),
 * reading path and query text as the API bounds it.
 */
import type { TObject } from 'typebox';
import { PromptOpsError } from '../errors.js';
import type { Operation, WireRequest } from './operation.js';
import { isWholeNumberText, MAX_INTEGER } from './schemas.js';

/** The request a remote client sends for a call of `op` with `args`: path parameters, query, body. */
interface OutgoingRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** Undefined: no body (an operation without a body schema). */
  body: unknown;
}

/** Absent values are not sent: a JSON body and a query string have no `undefined`, and '' means none. */
const isGiven = (value: unknown) => value !== undefined && value !== null && value !== '';

/** The request that carries a call of `op` with `args` (the client's half). */
export function requestOf(op: Operation, args: readonly unknown[]): OutgoingRequest {
  const request: OutgoingRequest = { params: {}, query: {}, body: op.body ? {} : undefined };
  if (op.encode) return { ...request, ...op.encode(args) };
  for (const [index, arg] of op.args.entries()) {
    const value = args[index];
    if (arg.in === 'path') request.params[arg.name] = String(value);
    else if (arg.in === 'body' && arg.name === undefined) request.body = value ?? {};
    else if (arg.in === 'body' && isGiven(value))
      (request.body as Record<string, unknown>)[arg.name!] = value;
    else if (arg.in === 'query') {
      const fields = arg.name === undefined ? Object.entries(value ?? {}) : [[arg.name, value] as const];
      for (const [key, given] of fields) if (isGiven(given)) request.query[key] = String(given);
    }
  }
  return request;
}

/** The store method's arguments for a request of `op`, acting as `actor` (the server's half). */
export function argsOf(op: Operation, request: WireRequest, actor: string): unknown[] {
  if (op.decode) return op.decode(request, actor);
  return op.args.map((arg) => {
    if (arg.in === 'actor') return arg.field ? { [arg.field]: actor } : actor;
    if (arg.in === 'path') return arg.parse ? arg.parse(request.params[arg.name]!) : request.params[arg.name];
    if (arg.in === 'body') return arg.name === undefined ? request.body : request.body[arg.name];
    return arg.name === undefined ? filterOf(op.query, request.query) : request.query[arg.name];
  });
}

/** Parses a whole number from a path or query string, as the API bounds them. */
export function wholeNumber(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_INTEGER) {
    throw new PromptOpsError(
      'PO_ERR_REQUEST_INVALID',
      `${what} must be a whole number from 1 to ${MAX_INTEGER}, not "${value}"`,
      {},
    );
  }
  return n;
}

/** A filter from a query string: the fields given, whole numbers as numbers. */
export function filterOf(schema: TObject | undefined, query: WireRequest['query']): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    found[key] = isWholeNumberText(schema?.properties[key]) ? Number(value) : value;
  }
  return found;
}
