/**
 * "Promote" and "Roll back" on a release, each confirmed in a modal that asks for the justification
 * (kept as the release's notes, and so in the audit entry). Each names the release it was shown
 * (`expectRelease`), so a canary the analysis or someone else already moved is refused
 * (PO_ERR_RELEASE_SUPERSEDED) instead of acted on twice.
 */
import { Button, Group, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { useSession } from '../session.js';
import { ConfirmModal } from './confirm-modal.js';
import { useProjectPath } from './page.js';
import { READABLE, READABLE_DESCRIPTION } from './status-badge.js';

/** The shortest justification accepted, as the policy asks of every exception. */
export const MIN_JUSTIFICATION = 10;

type Action = 'promote' | 'rollback';

const ACTIONS = {
  promote: { button: 'Promote', permission: 'release.create', path: '/releases/promote' },
  rollback: { button: 'Roll back', permission: 'release.rollback', path: '/releases/rollback' },
} as const;

/** The query keys a release changes: every view of releases, labels and canaries. */
export const RELEASE_QUERY_ROOTS = ['releases', 'labels', 'canary-analyses', 'snapshot'];

/** The buttons a role allows on an active release: Promote (a running canary only) and Roll back. */
export function ReleaseActions({ release }: { release: ReleaseRecord }) {
  const { can } = useSession();
  const [open, setOpen] = useState<Action | null>(null);
  const shown = (['promote', 'rollback'] as const).filter(
    (action) => can(ACTIONS[action].permission) && (action === 'rollback' || release.canary !== null),
  );
  if (shown.length === 0) return null;
  return (
    <Group gap="xs" wrap="nowrap">
      {shown.map((action) => (
        <Button
          key={action}
          size="xs"
          variant={action === 'rollback' ? 'light' : 'filled'}
          color={action === 'rollback' ? READABLE.red : undefined}
          onClick={() => setOpen(action)}
        >
          {ACTIONS[action].button}
        </Button>
      ))}
      {open && <ConfirmAction action={open} release={release} onClose={() => setOpen(null)} />}
    </Group>
  );
}

function describe(action: Action, r: ReleaseRecord): string {
  if (action === 'promote') {
    return `Promote ${r.prompt}@${r.canary?.version} from its ${r.canary?.weight}% canary to all of ${r.environment}'s traffic (replacing @${r.version}).`;
  }
  return r.canary
    ? `Roll back ${r.prompt} in ${r.environment}: the canary @${r.canary.version} stops and every request goes to @${r.version}.`
    : `Roll back ${r.prompt} in ${r.environment} from @${r.version} to the version it served before.`;
}

function ConfirmAction({
  action,
  release,
  onClose,
}: {
  action: Action;
  release: ReleaseRecord;
  onClose: () => void;
}) {
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const [justification, setJustification] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      api<ReleaseRecord>('POST', projectPath(ACTIONS[action].path), {
        body: {
          prompt: release.prompt,
          environment: release.environment,
          notes: justification.trim(),
          expectRelease: release.id,
        },
      }),
    onSuccess: async () => {
      await Promise.all(RELEASE_QUERY_ROOTS.map((root) => client.invalidateQueries({ queryKey: [root] })));
      onClose();
    },
  });
  const title = `${ACTIONS[action].button} ${release.prompt} in ${release.environment}`;
  return (
    <ConfirmModal
      title={title}
      action={ACTIONS[action].button}
      color={action === 'rollback' ? READABLE.red : undefined}
      disabled={justification.trim().length < MIN_JUSTIFICATION}
      busy={mutation.isPending}
      error={mutation.error}
      onSubmit={() => mutation.mutate()}
      onClose={onClose}
    >
      <Text size="sm">{describe(action, release)}</Text>
      <Textarea
        label="Justification"
        description={`Why, for the audit log (at least ${MIN_JUSTIFICATION} characters)`}
        required
        styles={READABLE_DESCRIPTION}
        autosize
        minRows={2}
        maxLength={2000}
        value={justification}
        onChange={(e) => setJustification(e.currentTarget.value)}
        data-autofocus
      />
    </ConfirmModal>
  );
}
