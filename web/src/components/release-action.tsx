/**
 * "Promote" and "Roll back" on a release, each confirmed in a modal with optional notes (kept as the
 * release's notes, and so in the audit entry). The modal lives in `ReleaseActionHost`, above the
 * rows the page polls, so a refresh that rebuilds a row neither closes it nor loses what was typed;
 * it acts on the release as shown when it was opened (`expectRelease`), so a canary the analysis or
 * someone else already moved is refused (PO_ERR_RELEASE_SUPERSEDED) instead of acted on twice. An
 * admin whose rollback the policy refused may force it, with a justification.
 */
import { Button, Group, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useState } from 'react';
import type { ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { actionBody, type ForceChoice, NO_FORCE, offersForce } from '../release-requests.js';
import { useSession } from '../session.js';
import { ConfirmModal } from './confirm-modal.js';
import { ForceOption } from './force-option.js';
import { useProjectPath } from './page.js';
import { READABLE, READABLE_DESCRIPTION } from './status-badge.js';

type Action = 'promote' | 'rollback';

const ACTIONS = {
  promote: { button: 'Promote', permission: 'release.create', path: '/releases/promote' },
  rollback: { button: 'Roll back', permission: 'release.rollback', path: '/releases/rollback' },
} as const;

/** The query keys a release changes: every view of releases, labels and canaries. */
export const RELEASE_QUERY_ROOTS = ['releases', 'labels', 'canary-analyses', 'snapshot'];

/** An action being confirmed, on the release as it was when the button was pressed. */
interface Opened {
  action: Action;
  release: ReleaseRecord;
}

const OpenAction = createContext<((opened: Opened) => void) | null>(null);

/** Holds the confirmation modal of every `ReleaseActions` inside it, outside any polled row. */
export function ReleaseActionHost({ children }: { children: ReactNode }) {
  const [opened, setOpened] = useState<Opened | null>(null);
  return (
    <OpenAction.Provider value={setOpened}>
      {children}
      {opened && <ConfirmAction {...opened} onClose={() => setOpened(null)} />}
    </OpenAction.Provider>
  );
}

/** The buttons a role allows on an active release: Promote (a running canary only) and Roll back. */
export function ReleaseActions({ release }: { release: ReleaseRecord }) {
  const { can } = useSession();
  const open = useContext(OpenAction);
  if (!open) throw new Error('ReleaseActions must be inside a ReleaseActionHost');
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
          onClick={() => open({ action, release })}
        >
          {ACTIONS[action].button}
        </Button>
      ))}
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

function ConfirmAction({ action, release, onClose }: Opened & { onClose: () => void }) {
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const { can } = useSession();
  const [notes, setNotes] = useState('');
  const [force, setForce] = useState<ForceChoice>(NO_FORCE);
  const [forceOffered, setForceOffered] = useState(false);
  const made = actionBody(action, release, notes, force);
  const mutation = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<ReleaseRecord>('POST', projectPath(ACTIONS[action].path), { body }),
    onError: (error) => {
      if (offersForce(action, error, can('policy.override'))) setForceOffered(true);
    },
    onSuccess: async () => {
      await Promise.all(RELEASE_QUERY_ROOTS.map((root) => client.invalidateQueries({ queryKey: [root] })));
      onClose();
    },
  });
  return (
    <ConfirmModal
      title={`${ACTIONS[action].button} ${release.prompt} in ${release.environment}`}
      action={ACTIONS[action].button}
      color={action === 'rollback' ? READABLE.red : undefined}
      disabled={!made.ok}
      busy={mutation.isPending}
      error={mutation.error}
      onSubmit={() => made.ok && mutation.mutate(made.value)}
      onClose={onClose}
    >
      <Text size="sm">{describe(action, release)}</Text>
      <Textarea
        label="Notes"
        description="Optional: why, kept with the release and in the audit log"
        styles={READABLE_DESCRIPTION}
        autosize
        minRows={2}
        maxLength={10_000}
        value={notes}
        onChange={(e) => setNotes(e.currentTarget.value)}
        data-autofocus
      />
      {forceOffered && <ForceOption value={force} onChange={setForce} />}
    </ConfirmModal>
  );
}
