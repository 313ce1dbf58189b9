import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { shortHash } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import { type CanaryPlan, parseCanaryPlan } from '../../monitor/canary-plan.js';
import type { ReleaseRecord } from '../../store/index.js';
import { type GlobalOptions, parseLimit, resolveActor, withStore } from '../context.js';
import { color, print, printJson, table } from '../output.js';
import type {
  ListReleasesOptions,
  PromoteOptions,
  ReleaseOptions,
  RollbackOptions,
} from './release-commands.js';

function wholeNumber(text: string | undefined, what: string): number {
  const n = Number(String(text ?? '').replace(/^[#@]/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new PromptOpsError('PO_ERR_USAGE', `${what} must be a positive whole number, not "${text}"`);
  return n;
}

function requireEnv(options: { env?: string }): string {
  if (!options.env)
    throw new PromptOpsError('PO_ERR_USAGE', 'name the environment with --env (for example --env staging)');
  return options.env;
}

function describe(r: ReleaseRecord): string {
  const canary = r.canary ? ` + canary @${r.canary.version} at ${r.canary.weight}%` : '';
  return `${r.prompt} ${r.environment} → @${r.version} ${color.dim(shortHash(r.versionHash))}${canary}`;
}

function output(r: ReleaseRecord, verb: string, options: GlobalOptions): number {
  if (options.json) printJson({ release: r });
  else {
    print(
      `${color.green(verb)} ${describe(r)} ${color.dim(`(release ${r.seq}${r.changeRequest ? `, change request #${r.changeRequest}` : ''})`)}`,
    );
    if (r.exception) print(color.yellow(`  recorded as policy exception ${r.exception}`));
  }
  return 0;
}

/** `promptops release CR --env ENV [--canary PCT]`: ships an approved change request. */
export async function release(cr: string, options: ReleaseOptions): Promise<number> {
  const environment = requireEnv(options);
  const canaryWeight = options.canary === undefined ? undefined : wholeNumber(options.canary, '--canary');
  if (options.force && !options.justification)
    throw new PromptOpsError('PO_ERR_USAGE', '--force needs --justification "why callers may break"');
  const plan = canaryWeight === undefined ? undefined : await analysisPlan(options);
  return withStore(options, async (store, ws) => {
    // A canary carries the plan file's plan, else the project's (promptops.yaml canary:), unless
    // --no-analysis; a ramp of a running canary without either keeps the plan it has.
    const analysis =
      plan !== undefined ? plan : options.analysis === false ? null : (ws.config.canary ?? undefined);
    const r = await store.release(
      {
        changeRequest: wholeNumber(cr, 'the change request'),
        environment,
        ...(canaryWeight !== undefined ? { canaryWeight } : {}),
        ...(canaryWeight !== undefined && analysis !== undefined ? { analysis } : {}),
        ...(options.notes ? { notes: options.notes } : {}),
        ...(options.force ? { force: { justification: options.justification! } } : {}),
      },
      resolveActor(options.author),
    );
    return output(r, r.canary ? 'canary' : 'released', options);
  });
}

/** The plan of --analysis-plan FILE (YAML or JSON), null with --no-analysis, else undefined. */
async function analysisPlan(options: ReleaseOptions): Promise<CanaryPlan | null | undefined> {
  if (options.analysisPlan && options.analysis === false)
    throw new PromptOpsError('PO_ERR_USAGE', 'give --analysis-plan or --no-analysis, not both');
  if (options.analysis === false) return null;
  if (!options.analysisPlan) return undefined;
  let text: string;
  try {
    text = await readFile(options.analysisPlan, 'utf8');
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_FILE_UNREADABLE',
      `cannot read the analysis plan ${options.analysisPlan}: ${(err as Error).message}`,
      { file: options.analysisPlan },
    );
  }
  return parseCanaryPlan(parseYaml(text), options.analysisPlan);
}

/** `promptops promote NAME --env ENV [--to NEXT]`: canary to full traffic, or onward to the next environment. */
export async function promote(prompt: string, options: PromoteOptions): Promise<number> {
  const environment = requireEnv(options);
  return withStore(options, async (store) => {
    const r = await store.promote(
      {
        prompt,
        environment,
        ...(options.to ? { to: options.to } : {}),
        ...(options.notes ? { notes: options.notes } : {}),
      },
      resolveActor(options.author),
    );
    return output(r, 'promoted', options);
  });
}

/** `promptops rollback NAME --env ENV [--version N]`: back to the previous release (or N), contract re-validated. */
export async function rollback(prompt: string, options: RollbackOptions): Promise<number> {
  const environment = requireEnv(options);
  if (options.force && !options.justification)
    throw new PromptOpsError('PO_ERR_USAGE', '--force needs --justification "why callers may break"');
  return withStore(options, async (store) => {
    const r = await store.rollback(
      {
        prompt,
        environment,
        ...(options.version !== undefined ? { to: wholeNumber(options.version, '--version') } : {}),
        ...(options.notes ? { notes: options.notes } : {}),
        ...(options.force ? { force: { justification: options.justification! } } : {}),
      },
      resolveActor(options.author),
    );
    return output(r, 'rolled back', options);
  });
}

/** `promptops releases [NAME]`: release history, newest first. */
export async function listReleases(
  prompt: string | undefined,
  options: ListReleasesOptions,
): Promise<number> {
  const limit = parseLimit(options.limit, 50);
  return withStore(options, async (store) => {
    const releases = await store.listReleases({
      ...(prompt ? { prompt } : {}),
      ...(options.env ? { environment: options.env } : {}),
      ...(options.active ? { activeOnly: true } : {}),
      limit,
    });
    if (options.json) {
      printJson({ releases });
      return 0;
    }
    if (releases.length === 0) {
      print('no releases yet; release an approved change request with "promptops release N --env ENV"');
      return 0;
    }
    print(
      table(
        ['PROMPT', 'ENV', '#', 'KIND', 'VERSION', 'CANARY', 'CR', 'BY', 'WHEN', 'ACTIVE'],
        releases.map((r) => [
          r.prompt,
          r.environment,
          String(r.seq),
          r.kind,
          `@${r.version}`,
          r.canary ? `@${r.canary.version} ${r.canary.weight}%` : '-',
          r.changeRequest ? `#${r.changeRequest}` : '-',
          r.actor,
          r.at,
          r.active ? color.green('yes') : '',
        ]),
      ),
    );
    return 0;
  });
}
