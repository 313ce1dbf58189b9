import type { ContractMutation } from '../contracts/input.js';
import type { GuardrailResult } from '../guardrails/engine.js';
import type { CallAttempt } from '../providers/call.js';
import type { TokenUsage } from '../providers/types.js';

/** Milliseconds spent in each stage of one execution. */
export interface StageTimings {
  resolve: number;
  validate: number;
  guardrails: number;
  render: number;
  model: number;
  output: number;
  total: number;
}

/** The record of one execution of a prompt: what ran, how, how long, at what cost, and what came out. */
export interface Trace {
  id: string;
  project: string;
  prompt: string;
  version: { number: number; hash: string };
  environment: string | null;
  /** The canary arm a gateway routed the request to; null when no gateway routed it. */
  arm: 'stable' | 'canary' | null;
  /** `held`: a guardrail escalated the request to human review. */
  status: 'ok' | 'error' | 'held';
  error: { code: string; message: string } | null;
  startedAt: string;
  /** `provider/model` that answered (or was last tried). */
  model: string | null;
  timings: StageTimings;
  usage: TokenUsage;
  costUsd: number | null;
  /** The input after contract enforcement, with redactions applied. */
  input: unknown;
  output: unknown;
  mutations: ContractMutation[];
  attempts: CallAttempt[];
  reasks: number;
  /** Every guardrail verdict of the request, input and output. */
  guardrails: Omit<GuardrailResult, 'durationMs'>[];
  /** Set when this request ran after a person approved it. */
  review: { id: string; decision: 'approved' | 'rejected'; decidedBy: string } | null;
  metadata: Record<string, string>;
}

export const REDACTED = '[redacted]';
