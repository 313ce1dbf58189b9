import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import type { EnvironmentSnapshot, ServedPrompt, ServedSpec } from '../governance/environment-snapshot.js';
import type { VersionRecord } from '../store/types.js';
import { type Arm, armOf } from './canary.js';

/** The version a gateway serves one request, and which arm of the release it came from. */
export interface Choice {
  record: VersionRecord;
  environment: string;
  arm: Arm;
}

/** One prompt of a snapshot with its versions as the pipeline reads them. */
interface Served {
  prompt: ServedPrompt;
  stable: VersionRecord;
  canary: VersionRecord | null;
}

/**
 * What a gateway serves, from the environments' latest snapshots: which version answers a prompt
 * in an environment for a sticky key. A snapshot is swapped whole (`replace`), never edited, so a
 * request sees one snapshot from start to end.
 */
export class ServedPrompts {
  private readonly byEnvironment = new Map<
    string,
    { snapshot: EnvironmentSnapshot; prompts: Map<string, Served> }
  >();
  /** Records by version hash, reused by the next snapshot so a version's compiled form stays cached. */
  private records = new Map<string, VersionRecord>();

  constructor(private readonly project: string) {}

  /** Serves `snapshot` for its environment from now on. */
  replace(snapshot: EnvironmentSnapshot): void {
    const reuse = (prompt: string, spec: ServedSpec) => this.records.get(spec.hash) ?? recordOf(prompt, spec);
    const prompts = new Map<string, Served>();
    for (const served of snapshot.prompts) {
      prompts.set(served.prompt, {
        prompt: served,
        stable: reuse(served.prompt, served.stable),
        canary: served.canary ? reuse(served.prompt, served.canary) : null,
      });
    }
    this.byEnvironment.set(snapshot.environment, { snapshot, prompts });
    const records = new Map<string, VersionRecord>();
    for (const record of this.allRecords()) records.set(record.hash, record);
    this.records = records;
  }

  /** The snapshot an environment is served from, if one has arrived. */
  snapshot(environment: string): EnvironmentSnapshot | undefined {
    return this.byEnvironment.get(environment)?.snapshot;
  }

  /** Environments with a snapshot. */
  environments(): string[] {
    return [...this.byEnvironment.keys()];
  }

  /**
   * The version that answers `prompt` in `environment` for `stickyKey` (a random key when absent:
   * the request is then not sticky). Throws PO_ERR_PROMPT_NOT_FOUND when the environment serves
   * nothing of the prompt, PO_ERR_GATEWAY_NOT_READY before the environment's first snapshot.
   */
  pick(prompt: string, environment: string, stickyKey?: string): Choice {
    const served = this.servedIn(prompt, environment);
    const canary = served.prompt.canary;
    const arm: Arm = canary ? armOf(prompt, stickyKey ?? randomUUID(), canary.weight) : 'stable';
    return { record: arm === 'canary' && served.canary ? served.canary : served.stable, environment, arm };
  }

  /** An exact version, if an environment serves it (a gateway serves only what is released). */
  version(prompt: string, number: number): VersionRecord | undefined {
    for (const record of this.allRecords()) {
      if (record.prompt === prompt && record.number === number) return record;
    }
    return undefined;
  }

  private *allRecords(): Iterable<VersionRecord> {
    for (const { prompts } of this.byEnvironment.values()) {
      for (const served of prompts.values()) {
        yield served.stable;
        if (served.canary) yield served.canary;
      }
    }
  }

  private servedIn(prompt: string, environment: string): Served {
    const entry = this.byEnvironment.get(environment);
    if (!entry) {
      throw new PromptOpsError(
        'PO_ERR_GATEWAY_NOT_READY',
        `this gateway has no snapshot of environment "${environment}" yet (serving: ${this.environments().join(', ') || 'none'})`,
        { environment },
      );
    }
    const served = entry.prompts.get(prompt);
    if (!served) {
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `environment "${environment}" of project "${this.project}" serves no version of prompt "${prompt}"`,
        { prompt, environment },
      );
    }
    return served;
  }
}

/**
 * A served version as the pipeline reads a version record. A snapshot carries what serving needs
 * (number, hash, spec); authorship and history stay in the control plane.
 */
function recordOf(prompt: string, spec: ServedSpec): VersionRecord {
  return {
    prompt,
    number: spec.number,
    hash: spec.hash,
    spec: spec.spec,
    author: '',
    message: null,
    createdAt: '',
    parentNumber: null,
    labels: [],
    archived: null,
  };
}
