import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shortHash } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import {
  type AuditCheckpoint,
  auditKeys,
  auditProblem,
  openCheckpoint,
  PUBLIC_KEY_ENV,
  SIGNING_KEY_ENV,
  signCheckpoint,
} from '../../store/audit-checkpoint.js';
import { parseLimit, withStore } from '../context.js';
import { color, print, printJson, table } from '../output.js';
import type { CheckpointAuditOptions, ListAuditOptions, VerifyAuditOptions } from './audit-commands.js';

/** `promptops audit ls`: who did what, newest first. */
export async function listAudit(options: ListAuditOptions): Promise<number> {
  const limit = parseLimit(options.limit, 50);
  return withStore(options, async (store) => {
    const entries = await store.listAudit({ limit });
    if (options.json) {
      printJson({ entries });
      return 0;
    }
    if (entries.length === 0) {
      print('the audit log is empty');
      return 0;
    }
    const show = (v: unknown) => (v === null ? '-' : JSON.stringify(v));
    print(
      table(
        ['SEQ', 'WHEN', 'ACTOR', 'ACTION', 'TARGET', 'BEFORE → AFTER'],
        entries.map((e) => [
          String(e.seq),
          e.at,
          e.actor,
          e.action,
          e.target,
          `${show(e.before)} → ${show(e.after)}`,
        ]),
      ),
    );
    return 0;
  });
}

/**
 * `promptops audit verify [--checkpoint FILE]`: recomputes the hash chain, compares labels and
 * active releases with it and, given a signed checkpoint, checks the log still holds it; exit 1
 * naming what does not hold.
 */
export async function verifyAudit(options: VerifyAuditOptions): Promise<number> {
  const checkpoint = options.checkpoint === undefined ? undefined : await readCheckpoint(options.checkpoint);
  return withStore(options, async (store) => {
    const verification = await store.verifyAudit(checkpoint ? { at: checkpoint.seq } : {});
    const problem = auditProblem(verification, checkpoint);
    if (problem) throw problem;
    const { checked } = verification;
    if (options.json) {
      printJson({
        checked,
        isIntact: true,
        head: verification.head,
        ...(checkpoint
          ? { checkpoint: { seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at } }
          : {}),
      });
      return 0;
    }
    print(
      color.green(
        `audit log intact: ${checked} entr${checked === 1 ? 'y' : 'ies'} verified; labels and releases match it`,
      ),
    );
    if (checkpoint) {
      print(color.green(`checkpoint of entry ${checkpoint.seq} (signed ${checkpoint.at}) holds`));
    }
    return 0;
  });
}

/**
 * `promptops audit checkpoint [-o FILE]`: signs the head of an intact audit log with the key in
 * PROMPTOPS_AUDIT_SIGNING_KEY and writes the checkpoint (JSON) to FILE or stdout. Keep it outside
 * the database; `audit verify --checkpoint FILE` later shows truncation or rewriting.
 */
export async function checkpointAudit(options: CheckpointAuditOptions): Promise<number> {
  const { signing } = auditKeys(process.env);
  if (!signing) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${SIGNING_KEY_ENV} is not set; set it to an Ed25519 private key (PEM text or a file path), e.g. made with "openssl genpkey -algorithm ed25519 -out audit-key.pem"`,
      { variable: SIGNING_KEY_ENV },
    );
  }
  return withStore(options, async (store) => {
    const verification = await store.verifyAudit();
    // Signing a log that does not hold would vouch for the tampering.
    const problem = auditProblem(verification);
    if (problem) throw problem;
    if (!verification.head) {
      throw new PromptOpsError('PO_ERR_USAGE', 'the audit log is empty; there is nothing to checkpoint yet');
    }
    const checkpoint = signCheckpoint(
      { project: verification.project, ...verification.head },
      signing,
      new Date(),
    );
    const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
    if (options.output === undefined) {
      process.stdout.write(text);
      return 0;
    }
    // `-o checkpoints/$(date +%F).json`, as the docs show, on the first run too.
    await mkdir(path.dirname(options.output), { recursive: true });
    await writeFile(options.output, text);
    if (options.json) printJson({ file: options.output, checkpoint });
    else
      print(
        `checkpoint of entry ${checkpoint.seq} (${shortHash(checkpoint.hash)}) written to ${options.output}`,
      );
    return 0;
  });
}

async function readCheckpoint(file: string): Promise<AuditCheckpoint> {
  const { verifying } = auditKeys(process.env);
  if (!verifying) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `checking a checkpoint needs the public key it was signed with: set ${PUBLIC_KEY_ENV} (or ${SIGNING_KEY_ENV}) to it, PEM text or a file path`,
      { variable: PUBLIC_KEY_ENV },
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_FILE_UNREADABLE',
      `cannot read the checkpoint ${file}: ${(err as Error).message}`,
      { file },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  return openCheckpoint(value, file, verifying);
}
