/**
 * The one error catalog. Every expected failure has a stable `PO_ERR_<AREA>_<WHAT>` code; the HTTP
 * status (server) and the exit code (CLI) both derive from it, so they can never disagree.
 *
 * Exit codes: 1 = a check failed (lint errors, drift), 2 = bad input or usage, 3 = not found,
 * 4 = conflict with stored state, 5 = a dependency (store, provider) is unavailable, 6 = held for
 * human review, 70 = a bug.
 */
export const ERROR_CATALOG = {
  PO_ERR_USAGE: { status: 400, exit: 2 },
  PO_ERR_CONFIG_NOT_FOUND: { status: 400, exit: 2 },
  PO_ERR_CONFIG_INVALID: { status: 400, exit: 2 },
  PO_ERR_CATALOG_INVALID: { status: 422, exit: 1 },
  PO_ERR_CATALOG_DRIFT: { status: 409, exit: 1 },
  PO_ERR_CONTRACT_BREAKING: { status: 409, exit: 1 },
  PO_ERR_FILE_UNREADABLE: { status: 400, exit: 2 },
  PO_ERR_REF_INVALID: { status: 400, exit: 2 },
  PO_ERR_PROMPT_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_VERSION_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_LABEL_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_LABEL_INVALID: { status: 400, exit: 2 },
  PO_ERR_VERSION_ARCHIVED: { status: 409, exit: 4 },
  PO_ERR_VERSION_LABELLED: { status: 409, exit: 4 },
  PO_ERR_STORE_CONFLICT: { status: 409, exit: 4 },
  PO_ERR_STORE_UNAVAILABLE: { status: 503, exit: 5 },
  PO_ERR_CONTRACT_VIOLATION: { status: 422, exit: 2 },
  PO_ERR_OUTPUT_INVALID: { status: 502, exit: 1 },
  PO_ERR_PROVIDER_NOT_CONFIGURED: { status: 500, exit: 2 },
  PO_ERR_PROVIDER_RATE_LIMITED: { status: 429, exit: 5 },
  PO_ERR_PROVIDER_UNAVAILABLE: { status: 502, exit: 5 },
  PO_ERR_PROVIDER_TIMEOUT: { status: 504, exit: 5 },
  PO_ERR_PROVIDER_REJECTED: { status: 502, exit: 5 },
  PO_ERR_GUARDRAIL_BLOCKED: { status: 422, exit: 1 },
  PO_ERR_REVIEW_PENDING: { status: 202, exit: 6 },
  PO_ERR_REVIEW_REJECTED: { status: 403, exit: 1 },
  PO_ERR_REVIEW_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_TRACE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_REVIEW_DECIDED: { status: 409, exit: 4 },
  PO_ERR_AUDIT_BROKEN: { status: 409, exit: 1 },
  PO_ERR_AUDIT_TRUNCATED: { status: 409, exit: 1 },
  PO_ERR_AUDIT_REWRITTEN: { status: 409, exit: 1 },
  PO_ERR_AUDIT_STATE_MISMATCH: { status: 409, exit: 1 },
  PO_ERR_AUDIT_CHECKPOINT_INVALID: { status: 422, exit: 1 },
  PO_ERR_UNAUTHENTICATED: { status: 401, exit: 2 },
  PO_ERR_FORBIDDEN: { status: 403, exit: 2 },
  PO_ERR_TOKEN_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_ROLE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_CR_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_CR_EXISTS: { status: 409, exit: 4 },
  PO_ERR_CR_NOTHING_TO_CHANGE: { status: 409, exit: 4 },
  PO_ERR_CR_CLOSED: { status: 409, exit: 4 },
  PO_ERR_CHECK_STALE: { status: 409, exit: 4 },
  PO_ERR_SELF_APPROVAL: { status: 403, exit: 1 },
  PO_ERR_SELF_CHECK: { status: 403, exit: 1 },
  PO_ERR_POLICY_BLOCKED: { status: 409, exit: 1 },
  PO_ERR_RELEASE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_RELEASE_INVALID: { status: 409, exit: 4 },
  PO_ERR_ROLLBACK_BREAKING: { status: 409, exit: 1 },
  PO_ERR_REMOTE_UNAVAILABLE: { status: 503, exit: 5 },
  PO_ERR_REQUEST_INVALID: { status: 400, exit: 2 },
  PO_ERR_ROUTE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_PROJECT_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_PROJECT_EXISTS: { status: 409, exit: 4 },
  PO_ERR_RATE_LIMITED: { status: 429, exit: 5 },
  PO_ERR_INTERNAL: { status: 500, exit: 70 },
} as const satisfies Record<string, { status: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/**
 * The base of every expected error. `message` is written for the user: what is wrong, where, and
 * how to fix it. `details` carries structured data for `--json` output and API bodies.
 */
export class PromptOpsError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PromptOpsError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CATALOG[this.code].exit;
  }

  /** The JSON shape used by `--json` output and (later) HTTP error bodies. */
  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** True when `err` is one of ours (an expected failure with a user-facing message). */
export function isPromptOpsError(err: unknown): err is PromptOpsError {
  return err instanceof PromptOpsError;
}
