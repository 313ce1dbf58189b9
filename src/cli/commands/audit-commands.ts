import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const ls = declare({
  name: 'ls',
  description: 'list audit entries, newest first',
  options: [
    ['--limit <n>', 'how many (default 50)'],
    ['--json', 'print machine-readable entries'],
  ],
});
export type ListAuditOptions = OptionsOf<typeof ls>;

const verify = declare({
  name: 'verify',
  description:
    'recompute the hash chain and compare labels and releases with it; exit 1 naming what was edited, deleted, truncated or rewritten',
  options: [
    [
      '--checkpoint <file>',
      'also check a signed checkpoint (needs PROMPTOPS_AUDIT_PUBLIC_KEY or PROMPTOPS_AUDIT_SIGNING_KEY)',
    ],
    ['--json', 'print machine-readable results'],
  ],
});
export type VerifyAuditOptions = OptionsOf<typeof verify>;

const checkpoint = declare({
  name: 'checkpoint',
  description:
    'sign the head of the intact audit log (Ed25519 key in PROMPTOPS_AUDIT_SIGNING_KEY); keep the file outside the database',
  options: [
    ['-o, --output <file>', 'write the checkpoint here (default: stdout)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type CheckpointAuditOptions = OptionsOf<typeof checkpoint>;

const handlers = () => import('./audit.js');

/** `promptops audit …`. */
export const auditCommands: CommandNode[] = [
  group(
    {
      name: 'audit',
      description:
        'the tamper-evident audit log: versions, labels, reviews, change requests, releases, tokens, roles',
      examples: [
        'promptops audit ls',
        'promptops audit verify',
        'promptops audit checkpoint -o audit-checkpoint.json',
        'promptops audit verify --checkpoint audit-checkpoint.json',
      ],
    },
    [
      handle(ls, async (_, o) => (await handlers()).listAudit(o)),
      handle(verify, async (_, o) => (await handlers()).verifyAudit(o)),
      handle(checkpoint, async (_, o) => (await handlers()).checkpointAudit(o)),
    ],
  ),
];
