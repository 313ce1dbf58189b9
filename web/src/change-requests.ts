/**
 * The change-request and review-queue pages' pure logic: what a request's state reads as, which
 * actions the signed-in subject is offered (the server's rules, mirrored so refused buttons are not
 * shown), where it may be released to, and how held requests are ordered and shown.
 */
import { CHECK_NAMES, type CheckRecord, type GateCheckState } from '../../src/governance/policy.js';
import type { ChangeRequest, ReviewRecord } from '../../src/store/types.js';
import { inEnvironmentOrder } from './environment-order.js';

/** What the list's filter and badges say: the API's status, with "approved" for an open request whose gate is ready. */
export type ChangeRequestState = 'open' | 'approved' | 'released' | 'closed';

/** The state a change request reads as. */
export function stateOf(cr: Pick<ChangeRequest, 'status' | 'gate'>): ChangeRequestState {
  if (cr.status === 'open' && cr.gate.ready) return 'approved';
  return cr.status;
}

/** The reviews the signed-in subject may record: the permission, an open request, and no self-approval. */
export interface ReviewOffer {
  /** Approve and request changes: not for anyone who authored the change. */
  decide: boolean;
  comment: boolean;
}

/** What `subject` is offered on `cr`, given whether their roles grant `cr.review`. */
export function reviewOffer(
  cr: Pick<ChangeRequest, 'status' | 'authors' | 'author'>,
  subject: string,
  canReview: boolean,
): ReviewOffer {
  const open = cr.status === 'open' && canReview;
  const isAuthor = cr.author === subject || cr.authors.includes(subject);
  return { decide: open && !isAuthor, comment: open };
}

/** A change request may be released once its gate is ready and it is not closed (a released one may go on to the next environment). */
export function isReleasable(cr: Pick<ChangeRequest, 'status' | 'gate'>): boolean {
  return cr.status !== 'closed' && cr.gate.ready;
}

/** One automated check as the page shows it: the gate's verdict and the latest run on this version, if any. */
export interface CheckRow {
  name: string;
  state: GateCheckState;
  run: CheckRecord | null;
}

/** Every check the policy knows, in order, with its latest run on the proposed version. */
export function checkRows(cr: Pick<ChangeRequest, 'checks' | 'gate' | 'versionHash'>): CheckRow[] {
  const names = [...CHECK_NAMES, ...Object.keys(cr.gate.checks).filter((n) => !isKnownCheck(n))];
  return names.map((name) => {
    const runs = cr.checks
      .filter((c) => c.name === name && c.versionHash === cr.versionHash)
      .sort((a, b) => a.at.localeCompare(b.at));
    const run = runs.at(-1) ?? null;
    return { name, state: cr.gate.checks[name] ?? run?.status ?? 'missing', run };
  });
}

function isKnownCheck(name: string): boolean {
  return (CHECK_NAMES as readonly string[]).includes(name);
}

/** What each check is called on the page. */
export const CHECK_LABELS: Record<string, string> = {
  lint: 'Lint',
  tests: 'Test suite',
  guardrails: 'Guardrail cases',
  regression: 'Regression',
};

/**
 * The environments to offer for a release: the server's configured ones, in its promotion order.
 * A server where any name is an environment configures none; then every environment something was
 * released to and the one the change was judged against, in the usual promotion order.
 */
export function environmentChoices(
  configured: readonly string[],
  releasedTo: readonly string[],
  baseLabel: string | null,
): string[] {
  if (configured.length > 0) return [...configured];
  const names = new Set(releasedTo);
  if (baseLabel) names.add(baseLabel);
  return inEnvironmentOrder(names);
}

/** How many change requests the list operation answers at most, newest first (store/change-request-store.ts). */
export const LIST_LIMIT = 200;

/** The list's caption: how many are shown, and that older ones are left out when the API's cap was reached. */
export function listCaption(shown: number, fetched: number): string {
  const noun = `change request${shown === 1 ? '' : 's'}`;
  if (fetched < LIST_LIMIT) return `${shown} ${noun}, newest first`;
  if (shown === fetched)
    return `The newest ${LIST_LIMIT} change requests, newest first (older ones are not listed)`;
  return `${shown} ${noun} among the newest ${LIST_LIMIT}, newest first (older ones are not listed)`;
}

/** The review queue's order: pending first, then the newest held first. */
export function queueOrder(reviews: readonly ReviewRecord[]): ReviewRecord[] {
  return [...reviews].sort(
    (a, b) =>
      Number(b.status === 'pending') - Number(a.status === 'pending') ||
      b.createdAt.localeCompare(a.createdAt),
  );
}

/** What a held request carries (runtime/pipeline.ts): the request, and for a held output the answer. */
export interface HeldPayload {
  input: unknown;
  output: unknown;
  environment: string | null;
}

/** The input and the held output of a review's payload, whatever of them it has. */
export function heldPayload(payload: Record<string, unknown>): HeldPayload {
  const request = (payload.request ?? {}) as { input?: unknown; environment?: string | null };
  const output = payload.output !== undefined ? payload.output : payload.text;
  return { input: request.input, output, environment: request.environment ?? null };
}

/** A verdict's words. */
export const DECISION_LABELS: Record<string, string> = {
  approve: 'Approved',
  request_changes: 'Changes requested',
  comment: 'Commented',
};
