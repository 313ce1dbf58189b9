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
  PO_ERR_ALERT_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_ALERT_RESOLVED: { status: 409, exit: 4 },
  PO_ERR_REVIEW_DECIDED: { status: 409, exit: 4 },
  PO_ERR_AUDIT_BROKEN: { status: 409, exit: 1 },
  PO_ERR_AUDIT_TRUNCATED: { status: 409, exit: 1 },
  PO_ERR_AUDIT_REWRITTEN: { status: 409, exit: 1 },
  PO_ERR_AUDIT_STATE_MISMATCH: { status: 409, exit: 1 },
  PO_ERR_AUDIT_CHECKPOINT_INVALID: { status: 422, exit: 1 },
  PO_ERR_UNAUTHENTICATED: { status: 401, exit: 2 },
  PO_ERR_FORBIDDEN: { status: 403, exit: 2 },
  PO_ERR_CSRF: { status: 403, exit: 2 },
  PO_ERR_TOKEN_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_ROLE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_CR_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_CR_EXISTS: { status: 409, exit: 4 },
  PO_ERR_CR_NOTHING_TO_CHANGE: { status: 409, exit: 4 },
  PO_ERR_CR_CLOSED: { status: 409, exit: 4 },
  PO_ERR_CHECK_STALE: { status: 409, exit: 4 },
  PO_ERR_CHECKS_UNAVAILABLE: { status: 409, exit: 4 },
  PO_ERR_SELF_APPROVAL: { status: 403, exit: 1 },
  PO_ERR_SELF_CHECK: { status: 403, exit: 1 },
  PO_ERR_POLICY_BLOCKED: { status: 409, exit: 1 },
  PO_ERR_RELEASE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_RELEASE_INVALID: { status: 409, exit: 4 },
  PO_ERR_RELEASE_SUPERSEDED: { status: 409, exit: 4 },
  PO_ERR_ROLLBACK_BREAKING: { status: 409, exit: 1 },
  PO_ERR_REMOTE_UNAVAILABLE: { status: 503, exit: 5 },
  PO_ERR_GATEWAY_NOT_READY: { status: 503, exit: 5 },
  PO_ERR_REQUEST_INVALID: { status: 400, exit: 2 },
  PO_ERR_ROUTE_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_PROJECT_NOT_FOUND: { status: 404, exit: 3 },
  PO_ERR_PROJECT_EXISTS: { status: 409, exit: 4 },
  PO_ERR_RATE_LIMITED: { status: 429, exit: 5 },
  PO_ERR_SPOOL_LOCKED: { status: 409, exit: 4 },
  PO_ERR_GRAPH_INVALID: { status: 422, exit: 2 },
  PO_ERR_GRAPH_TOO_LARGE: { status: 413, exit: 2 },
  PO_ERR_GRAPH_NOT_FOUND: { status: 404, exit: 3 },
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

/**
 * What each exit code means. Typed by the catalog, so a catalog entry with an exit code that is
 * not described here fails typecheck; docs/errors.md is generated from it (scripts/gen-docs.ts).
 */
export const EXIT_CODES: Record<0 | (typeof ERROR_CATALOG)[ErrorCode]['exit'], string> = {
  0: 'success',
  1: 'a check failed: lint errors, drift, breaking changes, a blocked answer, a policy or audit finding',
  2: 'bad input or usage: unknown option, invalid file or reference, missing configuration or token',
  3: 'not found: the prompt, version, label, change request or other record does not exist',
  4: 'conflict with stored state: already archived, already decided, closed, a concurrent change',
  5: 'a dependency is unavailable: the database, the server or a model provider',
  6: 'held for human review',
  70: 'a bug in promptops (set PROMPTOPS_DEBUG=1 for the stack trace and report it)',
};

/**
 * For every code: what it means and what to do about it. docs/errors.md is generated from this
 * record; a code missing here fails typecheck.
 */
export const ERROR_HELP: Record<ErrorCode, { meaning: string; fix: string }> = {
  PO_ERR_USAGE: {
    meaning: 'A command was called with a missing, unknown or malformed argument or option.',
    fix: 'Read the message and `promptops COMMAND --help`.',
  },
  PO_ERR_CONFIG_NOT_FOUND: {
    meaning: 'No promptops.yaml in this folder or its parents, and no remote project named.',
    fix: 'Run `promptops init`, use `-C DIR`, or in remote mode set `PROMPTOPS_PROJECT`.',
  },
  PO_ERR_CONFIG_INVALID: {
    meaning: 'promptops.yaml, a custom guardrail module, an audit key or another setting is invalid.',
    fix: 'Fix the setting the message names (see docs/config.md).',
  },
  PO_ERR_CATALOG_INVALID: {
    meaning: 'The .prompt files have lint errors, so nothing was pushed or tested.',
    fix: 'Run `promptops lint` and fix the errors it lists.',
  },
  PO_ERR_CATALOG_DRIFT: {
    meaning: '`status --check` found files that differ from the registry, or are invalid.',
    fix: 'Push the changes (`promptops push`) or revert the files.',
  },
  PO_ERR_CONTRACT_BREAKING: {
    meaning: 'A version breaks the input or output contract of the one it replaces (`--fail-on-breaking`).',
    fix: 'Keep the contract compatible, or make the break deliberate and reviewed.',
  },
  PO_ERR_FILE_UNREADABLE: {
    meaning: 'A file or folder named on the command line does not exist or cannot be read.',
    fix: 'Check the path and its permissions.',
  },
  PO_ERR_REF_INVALID: {
    meaning: 'A version reference is malformed, or not exact where one is needed.',
    fix: 'Write NAME, NAME@3 or NAME:label (an exact NAME@N where asked).',
  },
  PO_ERR_PROMPT_NOT_FOUND: {
    meaning: 'No prompt of that name in the catalog or the registry.',
    fix: 'Check the name with `promptops ls` or `promptops lint`.',
  },
  PO_ERR_VERSION_NOT_FOUND: {
    meaning: 'The prompt has no version with that number.',
    fix: 'List its versions with `promptops versions NAME`.',
  },
  PO_ERR_LABEL_NOT_FOUND: {
    meaning: 'The prompt has no such label (or environment) set.',
    fix: 'See its labels with `promptops label ls NAME`; set one with `promptops label set`.',
  },
  PO_ERR_LABEL_INVALID: {
    meaning: 'The label name is reserved (`latest`) or not allowed.',
    fix: 'Pick another label name.',
  },
  PO_ERR_VERSION_ARCHIVED: {
    meaning: 'The version is archived, so it cannot be labelled, proposed or archived again.',
    fix: 'Use a live version.',
  },
  PO_ERR_VERSION_LABELLED: {
    meaning: 'The version still carries labels, so it cannot be archived.',
    fix: 'Move or remove its labels first (`promptops label rm`).',
  },
  PO_ERR_STORE_CONFLICT: {
    meaning: 'The registry stayed busy with concurrent changes; nothing was written.',
    fix: 'Try again.',
  },
  PO_ERR_STORE_UNAVAILABLE: {
    meaning: 'The registry database cannot be opened, migrated or reached.',
    fix: 'Check `store.url` / `PROMPTOPS_DATABASE_URL` and that the database is up, then retry.',
  },
  PO_ERR_CONTRACT_VIOLATION: {
    meaning:
      "The input breaks the prompt's input contract, or overrides a setting the prompt does not allow.",
    fix: 'Fix the input as the message says (see docs/runtime.md).',
  },
  PO_ERR_OUTPUT_INVALID: {
    meaning: "The model's answer broke the output contract or output guardrails, after any re-asks.",
    fix: 'Look at the trace (`promptops traces show ID`); tighten the prompt or the schema.',
  },
  PO_ERR_PROVIDER_NOT_CONFIGURED: {
    meaning: "The model's provider is unknown, or its API key variable is not set.",
    fix: 'Write the model as provider/model and export the key its `apiKeyEnv` names.',
  },
  PO_ERR_PROVIDER_RATE_LIMITED: {
    meaning: 'The model provider answered 429 (rate limited) after the retries.',
    fix: 'Retry later, or lower the request rate.',
  },
  PO_ERR_PROVIDER_UNAVAILABLE: {
    meaning: 'The model provider failed or could not be reached after the retries.',
    fix: 'Retry later; check `baseUrl` and the network.',
  },
  PO_ERR_PROVIDER_TIMEOUT: {
    meaning: 'The model call timed out.',
    fix: "Retry later; check the provider's status and `baseUrl`.",
  },
  PO_ERR_PROVIDER_REJECTED: {
    meaning: 'The model provider refused the request (unknown model, bad request, no scripted answer).',
    fix: 'Check the model name and the request the message shows.',
  },
  PO_ERR_GUARDRAIL_BLOCKED: {
    meaning: 'A guardrail blocked the input or the output.',
    fix: 'Read the verdict in the message or the trace; change the input or the guardrail.',
  },
  PO_ERR_REVIEW_PENDING: {
    meaning: 'A guardrail held the input or output for human review.',
    fix: 'Decide it with `promptops review approve|reject ID`.',
  },
  PO_ERR_REVIEW_REJECTED: {
    meaning: 'A reviewer rejected the held input or output.',
    fix: "Read the reviewer's note; nothing is returned.",
  },
  PO_ERR_REVIEW_NOT_FOUND: {
    meaning: 'No review with that id.',
    fix: 'List reviews with `promptops review ls`.',
  },
  PO_ERR_TRACE_NOT_FOUND: {
    meaning: 'No trace with that id in the project.',
    fix: 'List recent traces with `promptops traces`.',
  },
  PO_ERR_ALERT_NOT_FOUND: {
    meaning: 'No alert with that id in the project.',
    fix: 'List alerts with `promptops alerts ls --status all`.',
  },
  PO_ERR_ALERT_RESOLVED: {
    meaning: 'The alert was already resolved: its condition cleared.',
    fix: 'Nothing to acknowledge; `promptops alerts ls --status resolved` shows it.',
  },
  PO_ERR_REVIEW_DECIDED: {
    meaning: 'The review was already approved or rejected.',
    fix: 'Nothing to do; `promptops review ls` shows the decision.',
  },
  PO_ERR_AUDIT_BROKEN: {
    meaning: 'An audit log entry does not match its hash chain: the log was edited.',
    fix: 'Treat it as tampering; restore the database from a backup and investigate.',
  },
  PO_ERR_AUDIT_TRUNCATED: {
    meaning: 'The audit log ends before the entry a signed checkpoint vouches for: entries were deleted.',
    fix: 'Treat it as tampering; restore from a backup.',
  },
  PO_ERR_AUDIT_REWRITTEN: {
    meaning: 'The audit log was re-hashed: an entry no longer matches the signed checkpoint.',
    fix: 'Treat it as tampering; restore from a backup.',
  },
  PO_ERR_AUDIT_STATE_MISMATCH: {
    meaning:
      'Labels or releases differ from what the audit log records: they were changed outside promptops.',
    fix: 'Find who changed the database directly; restore the listed labels or releases.',
  },
  PO_ERR_AUDIT_CHECKPOINT_INVALID: {
    meaning: 'The checkpoint file is malformed, for another project, or its signature does not verify.',
    fix: 'Use a checkpoint made by `promptops audit checkpoint` with the matching key.',
  },
  PO_ERR_UNAUTHENTICATED: {
    meaning: 'The server needs a token, or the token is unknown, revoked or expired.',
    fix: 'Set `PROMPTOPS_TOKEN` or run `promptops login URL`; ask an admin for a new token.',
  },
  PO_ERR_FORBIDDEN: {
    meaning: "The token's roles do not allow this action in the project.",
    fix: 'Ask an admin to grant a role (`promptops role grant SUBJECT ROLE`).',
  },
  PO_ERR_CSRF: {
    meaning:
      "A change sent with the web console's session cookie came without the session's `x-csrf-token` header, with a wrong one, or from a page of another origin.",
    fix: "Send the `csrfToken` that `POST /v1/session` (or `GET /v1/session`) answered as the `x-csrf-token` header, from the console's own origin; scripts use a bearer token instead of the cookie.",
  },
  PO_ERR_TOKEN_NOT_FOUND: {
    meaning: 'No token with that id.',
    fix: 'List tokens with `promptops token ls`.',
  },
  PO_ERR_ROLE_NOT_FOUND: {
    meaning: 'The subject does not hold that role in the project.',
    fix: 'List grants with `promptops role ls`.',
  },
  PO_ERR_CR_NOT_FOUND: {
    meaning: 'No change request with that number in the project.',
    fix: 'List them with `promptops change ls`.',
  },
  PO_ERR_CR_EXISTS: {
    meaning: 'An open change request already proposes that version.',
    fix: 'Work on it (`promptops change show N`) instead of opening another.',
  },
  PO_ERR_CR_NOTHING_TO_CHANGE: {
    meaning: 'The environment already serves the proposed version.',
    fix: 'Push a new version first.',
  },
  PO_ERR_CR_CLOSED: {
    meaning: 'The change request is closed or released and cannot change any more.',
    fix: 'Open a new change request.',
  },
  PO_ERR_CHECK_STALE: {
    meaning: 'The checks ran on a different version than the change request proposes.',
    fix: 'Check out the proposed version and run the checks again.',
  },
  PO_ERR_CHECKS_UNAVAILABLE: {
    meaning:
      "The control plane cannot run this change request's checks: it was started without a project folder, or its folder holds another project's catalog.",
    fix: 'Run "promptops serve" in the checkout of the project\'s catalog (each project its own server folder), or record the checks from CI with a ci token.',
  },
  PO_ERR_SELF_APPROVAL: {
    meaning: 'The author of a change request cannot approve or reject it.',
    fix: 'Ask another reviewer.',
  },
  PO_ERR_SELF_CHECK: {
    meaning: 'The author of a change request cannot record its checks.',
    fix: 'Let CI record them with a token that has the ci role.',
  },
  PO_ERR_POLICY_BLOCKED: {
    meaning: 'The release policy does not allow this yet: approvals or checks missing, or the base moved.',
    fix: 'Get the approvals and green checks `promptops change show N` lists.',
  },
  PO_ERR_RELEASE_NOT_FOUND: {
    meaning: 'Nothing released in that environment to roll back, promote or finish.',
    fix: 'Release a change request there first, or name the version.',
  },
  PO_ERR_RELEASE_INVALID: {
    meaning: 'The release step does not fit the current state (e.g. a canary with nothing to run beside).',
    fix: 'Follow the message: release fully first, or name another environment.',
  },
  PO_ERR_RELEASE_SUPERSEDED: {
    meaning:
      'The release the request expected (`expectRelease`) is no longer active: someone else already released, promoted or rolled back; nothing was written.',
    fix: 'Read what the environment serves now (`promptops releases PROMPT --active`) and decide again.',
  },
  PO_ERR_ROLLBACK_BREAKING: {
    meaning: 'The rollback target would reject inputs that callers of the current version send.',
    fix: 'Pick a compatible version, or have an admin force it with a justification.',
  },
  PO_ERR_REMOTE_UNAVAILABLE: {
    meaning: 'The PromptOps server at `PROMPTOPS_URL` cannot be reached or answered badly.',
    fix: 'Check the URL and that `promptops serve` is running.',
  },
  PO_ERR_GATEWAY_NOT_READY: {
    meaning:
      'The gateway has no snapshot of that environment yet: it has not reached the control plane since it started and has no last-known-good file.',
    fix: 'Check that the gateway can reach PROMPTOPS_URL with its token (`promptops gateway` logs why not) and that the environment is one it serves (`--environments`).',
  },
  PO_ERR_REQUEST_INVALID: {
    meaning: 'The HTTP request body or query is invalid.',
    fix: 'Fix the field the message names (the server describes its API at /openapi.json).',
  },
  PO_ERR_ROUTE_NOT_FOUND: {
    meaning: 'The server has no such route.',
    fix: 'Check the method and path, and that client and server versions match.',
  },
  PO_ERR_PROJECT_NOT_FOUND: {
    meaning: 'The project does not exist on the server.',
    fix: 'Check `PROMPTOPS_PROJECT`; an admin creates projects with POST /v1/projects.',
  },
  PO_ERR_PROJECT_EXISTS: {
    meaning: 'A project of that name already exists.',
    fix: 'Pick another name, or use the existing project.',
  },
  PO_ERR_RATE_LIMITED: {
    meaning: 'The server refused the request: too many wrong tokens or token checks at once.',
    fix: 'Check the token and retry after the delay the message gives.',
  },
  PO_ERR_SPOOL_LOCKED: {
    meaning: 'Another running process holds the trace spool directory (two gateways must not share one).',
    fix: 'Give each gateway its own spool directory, or stop the process the message names.',
  },
  PO_ERR_GRAPH_INVALID: {
    meaning:
      'A knowledge graph ingest was refused: an undeclared type, a relation to an entity that is in neither the graph nor the batch, a cycle where the type forbids one, or a malformed record. Nothing was written.',
    fix: 'Fix the records the message names (or declare the type under `graph:` in promptops.yaml) and ingest again.',
  },
  PO_ERR_GRAPH_TOO_LARGE: {
    meaning: 'The ingest file or batch is over the size limit; it was refused before parsing.',
    fix: 'Split it into several additive ingests of the same source (`--source`); never make a part `--complete`: a complete ingest removes what its source did not send in it.',
  },
  PO_ERR_GRAPH_NOT_FOUND: {
    meaning: 'No such entity, revision or merge in the knowledge graph.',
    fix: 'Check `TYPE:KEY` (or an alias) and the revision with `promptops graph revisions`.',
  },
  PO_ERR_INTERNAL: {
    meaning: 'An unexpected failure: a bug.',
    fix: 'Set `PROMPTOPS_DEBUG=1` for the stack trace (the server logs it) and report it.',
  },
};
