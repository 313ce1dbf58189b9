/**
 * A failure the gateway reported, or the client's own when it cannot reach one. `code` is a
 * `PO_ERR_*` code of promptops' error catalog (docs/errors.md), `status` the HTTP status it maps
 * to, `details` what the gateway said about it.
 */
export class GatewayError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, status: number, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** True when `err` is a failure the gateway reported or the client's own (it has a `code`). */
export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** The gateway could not be reached, or answered without a usable answer (5xx, bad body). */
export function unavailable(message: string, details: Record<string, unknown> = {}): GatewayError {
  return new GatewayError('PO_ERR_REMOTE_UNAVAILABLE', message, 503, details);
}

/** True for the failures a last-known-good prompt may stand in for: unreachable or failing. */
export function isOutage(err: unknown): boolean {
  return err instanceof GatewayError && err.status >= 500;
}
