import { diffLines } from 'diff';
import { canonicalJson } from '../catalog/canonical.js';
import { findBreakingChanges } from '../catalog/diff.js';
import type { GuardrailAction, GuardrailDecl, PromptSpec, RiskTier } from '../catalog/spec.js';
import { RISK_TIERS } from '../catalog/spec.js';

/** One reason a change is risky, with the points it adds. */
export interface RiskFactor {
  factor: string;
  points: number;
  detail: string;
}

/**
 * How risky a change request is: a 0–100 score with every contribution shown, the level the score
 * alone implies, and the level the policy applies (the higher of that and the prompt's own tier).
 */
export interface RiskAssessment {
  score: number;
  scoreLevel: RiskTier;
  tier: RiskTier;
  level: RiskTier;
  factors: RiskFactor[];
}

/** What the regression check measured against the version in production, when it ran. */
export interface EvalDelta {
  passRateDelta: number;
  regressed: number;
}

export interface RiskInput {
  base: PromptSpec | null;
  candidate: PromptSpec;
  evalDelta?: EvalDelta | null;
  /** The candidate has no test suite (the tests check was skipped). */
  untested?: boolean;
}

const TIER_POINTS: Record<RiskTier, number> = { low: 0, medium: 10, high: 25, critical: 40 };
/** Strength of each guardrail action: moving to a lower one weakens the guardrail. */
const ACTION_STRENGTH: Record<GuardrailAction, number> = {
  block: 5,
  fallback: 4,
  escalate: 4,
  redact: 3,
  reask: 2,
  flag: 1,
};

/** Score bands: below 20 low, below 45 medium, below 70 high, else critical. */
export function levelOfScore(score: number): RiskTier {
  if (score < 20) return 'low';
  if (score < 45) return 'medium';
  if (score < 70) return 'high';
  return 'critical';
}

/** The higher of two risk tiers. */
export function maxTier(a: RiskTier, b: RiskTier): RiskTier {
  return RISK_TIERS.indexOf(a) >= RISK_TIERS.indexOf(b) ? a : b;
}

/** Scores a candidate version against the version it replaces (null for a prompt's first release). */
export function assessRisk(input: RiskInput): RiskAssessment {
  const { base, candidate } = input;
  const tier = candidate.promptops.risk;
  const factors: RiskFactor[] = [];
  const add = (factor: string, points: number, detail: string) => {
    if (points > 0) factors.push({ factor, points, detail });
  };
  add('tier', TIER_POINTS[tier], `the prompt's risk tier is ${tier}`);
  if (!base) {
    add('new-prompt', 10, 'first release of this prompt: nothing in production to compare with');
  } else {
    const breaking = findBreakingChanges(base, candidate);
    if (breaking.length > 0) {
      add(
        'breaking-contract',
        Math.min(35, 20 + 5 * (breaking.length - 1)),
        `${breaking.length} breaking contract change(s): ${breaking.map((b) => `${b.path}: ${b.reason}`).join('; ')}`,
      );
    }
    const weakened = weakenedGuardrails(base, candidate);
    if (weakened.length > 0) {
      const points = weakened.reduce((sum, w) => sum + (w.weaker ? 15 : 5), 0);
      add('guardrails-weakened', Math.min(30, points), weakened.map((w) => w.detail).join('; '));
    }
    if ((base.model ?? '') !== (candidate.model ?? '')) {
      const provider = (model: string | undefined) => (model ?? '').split('/')[0];
      const across = provider(base.model) !== provider(candidate.model);
      add(
        'model-change',
        across ? 15 : 10,
        `model ${base.model ?? '(default)'} → ${candidate.model ?? '(default)'}${across ? ' (another provider)' : ''}`,
      );
    } else if (canonicalJson(base.config) !== canonicalJson(candidate.config)) {
      add('model-config', 3, 'model configuration changed');
    }
    const changed = templateChangeRatio(base, candidate);
    add(
      'template-change',
      Math.round(15 * changed),
      `${Math.round(changed * 100)}% of template lines changed`,
    );
  }
  if (input.untested) add('no-tests', 10, 'the prompt has no test suite');
  const delta = input.evalDelta;
  if (delta) {
    const drop = Math.max(0, -delta.passRateDelta);
    add(
      'eval-regression',
      Math.min(20, Math.round(drop * 100)),
      `pass rate ${signed(delta.passRateDelta)} vs production`,
    );
    add('regressed-cases', Math.min(10, 2 * delta.regressed), `${delta.regressed} case(s) regressed`);
  }
  const score = Math.min(
    100,
    factors.reduce((sum, f) => sum + f.points, 0),
  );
  const scoreLevel = levelOfScore(score);
  return { score, scoreLevel, tier, level: maxTier(scoreLevel, tier), factors };
}

function signed(delta: number): string {
  const pct = Math.round(delta * 1000) / 10;
  return `${pct >= 0 ? '+' : ''}${pct} pts`;
}

/**
 * Guardrails removed from a stage or moved to a weaker action (`weaker`), or whose options changed
 * (which may loosen them: a higher threshold, a shorter word list).
 */
export function weakenedGuardrails(
  base: PromptSpec,
  candidate: PromptSpec,
): { detail: string; weaker: boolean }[] {
  const out: { detail: string; weaker: boolean }[] = [];
  for (const stage of ['input', 'output'] as const) {
    const after = new Map<string, GuardrailDecl>(
      candidate.promptops.guardrails[stage].map((g) => [g.name, g]),
    );
    for (const before of base.promptops.guardrails[stage]) {
      const now = after.get(before.name);
      if (!now) out.push({ detail: `${stage} guardrail ${before.name} removed`, weaker: true });
      else if (ACTION_STRENGTH[now.action] < ACTION_STRENGTH[before.action])
        out.push({
          detail: `${stage} guardrail ${before.name}: ${before.action} → ${now.action}`,
          weaker: true,
        });
      else if (canonicalJson(now.options) !== canonicalJson(before.options))
        out.push({ detail: `${stage} guardrail ${before.name}: options changed`, weaker: false });
    }
  }
  return out;
}

/** Share of template lines (partials included) added or removed, 0–1. */
function templateChangeRatio(base: PromptSpec, candidate: PromptSpec): number {
  const text = (spec: PromptSpec) =>
    [spec.template, ...Object.values(spec.partials ?? {})].join('\n').replace(/\r\n/g, '\n');
  const a = text(base);
  const b = text(candidate);
  if (a === b) return 0;
  let changed = 0;
  let total = 0;
  for (const part of diffLines(a, b)) {
    const lines = part.count ?? 0;
    total += lines;
    if (part.added || part.removed) changed += lines;
  }
  return total === 0 ? 0 : Math.min(1, changed / total);
}
