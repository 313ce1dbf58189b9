import type { PromptSpec } from '../catalog/spec.js';
import { type EnvironmentState, type ServedVersion, type SpecsByNumber, stableOf } from './release-plan.js';

/*
 * What an environment serves right now, as a gateway (the data plane) loads it: per prompt the
 * stable version and any canary, by the same rules releases read an environment with.
 */

/** A version an environment serves, with its spec. */
export interface ServedSpec extends ServedVersion {
  spec: PromptSpec;
}

/** One prompt as an environment serves it: the stable version and the canary beside it, if any. */
export interface ServedPrompt {
  prompt: string;
  stable: ServedSpec;
  canary: (ServedSpec & { weight: number }) | null;
}

/** What an environment serves right now. */
export interface EnvironmentSnapshot {
  environment: string;
  /**
   * The project's audit head (0 before its first entry). Every label move and release appends an
   * entry, so an unchanged revision means an unchanged snapshot.
   */
  revision: number;
  /** By prompt name; prompts the environment serves nothing of are left out. */
  prompts: ServedPrompt[];
}

/** The version numbers an environment serves of one prompt: its stable version's and its canary's. */
export function servedNumbers(env: EnvironmentState): number[] {
  const stable = stableOf(env);
  const canary = env.active?.canary;
  return [...(stable ? [stable.number] : []), ...(canary ? [canary.version] : [])];
}

/**
 * An environment's snapshot from each prompt's state in it (`states`, by prompt) and the specs of
 * the versions it serves (`specs`, by prompt: see `servedNumbers`).
 */
export function snapshotOf(
  environment: string,
  revision: number,
  states: ReadonlyMap<string, EnvironmentState>,
  specs: ReadonlyMap<string, SpecsByNumber>,
): EnvironmentSnapshot {
  const withSpec = (prompt: string, version: ServedVersion): ServedSpec => {
    const spec = specs.get(prompt)?.get(version.number);
    if (!spec) throw new Error(`the spec of ${prompt}@${version.number} was not read`);
    return { ...version, spec };
  };
  const prompts: ServedPrompt[] = [];
  for (const [prompt, env] of states) {
    const stable = stableOf(env);
    if (!stable) continue;
    const canary = env.active?.canary ?? null;
    prompts.push({
      prompt,
      stable: withSpec(prompt, stable),
      canary: canary && {
        ...withSpec(prompt, { number: canary.version, hash: canary.hash }),
        weight: canary.weight,
      },
    });
  }
  prompts.sort((a, b) => (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0));
  return { environment, revision, prompts };
}
