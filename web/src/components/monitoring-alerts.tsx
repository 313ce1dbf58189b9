/**
 * The alert list (rules, canary analysis, drift), newest first, with their webhook deliveries, and
 * for whoever answers for production (`release.rollback`) "Acknowledge" (with a note) and
 * "Redeliver" (an alert's dead deliveries back in the queue).
 */
import { Button, Group, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AlertRecord } from '../../../src/store/types.js';
import { api, seg } from '../api.js';
import { useSession } from '../session.js';
import { ConfirmModal } from './confirm-modal.js';
import { useProjectPath } from './page.js';
import { ErrorNote, QueryState } from './state.js';
import { READABLE_DESCRIPTION, StatusBadge } from './status-badge.js';
import { TableHead, TableScroll } from './table-head.js';
import { Time } from './time.js';

const STATUSES = ['open', 'firing', 'acknowledged', 'resolved', 'all'] as const;
/** Badge cells keep their width: a badge's word is never cut to an ellipsis. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;
const SEVERITY_COLORS = { critical: 'red', warning: 'orange', info: 'blue' } as Record<string, string>;

/** The project's alerts, polled every `refreshMs`. */
export function AlertList({ refreshMs }: { refreshMs: number }) {
  const projectPath = useProjectPath();
  const [status, setStatus] = useState<string>('open');
  const alerts = useQuery({
    queryKey: ['alerts', status],
    queryFn: () => api<AlertRecord[]>('GET', projectPath('/alerts'), { query: { status, limit: 100 } }),
    refetchInterval: refreshMs,
    placeholderData: (previous) => previous,
  });
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h3">
          Alerts
        </Title>
        <Select
          label="Alert status"
          data={[...STATUSES]}
          value={status}
          onChange={(value) => setStatus(value ?? 'open')}
          allowDeselect={false}
          w={180}
        />
      </Group>
      <QueryState query={alerts}>{(all) => <AlertTable alerts={all} />}</QueryState>
    </Stack>
  );
}

function AlertTable({ alerts }: { alerts: AlertRecord[] }) {
  if (alerts.length === 0) return <Text>No alerts.</Text>;
  return (
    <TableScroll minWidth={900}>
      <Table striped withTableBorder aria-label="Alerts" fz="sm">
        <TableHead
          columns={['Severity', 'Status', 'Name', 'Prompt', 'Fired', 'Summary', 'Deliveries', 'Actions']}
        />
        <Table.Tbody>
          {alerts.map((alert) => (
            <Table.Tr key={alert.id}>
              <Table.Td style={NO_WRAP}>
                <StatusBadge color={SEVERITY_COLORS[alert.severity] ?? 'gray'}>{alert.severity}</StatusBadge>
              </Table.Td>
              <Table.Td style={NO_WRAP}>
                <StatusBadge variant="outline" color={alert.status === 'firing' ? 'red' : 'gray'}>
                  {alert.status}
                </StatusBadge>
                {alert.ackedBy && (
                  <Text size="xs" title={alert.note ?? undefined}>
                    by {alert.ackedBy}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{alert.name}</Table.Td>
              <Table.Td>
                {alert.prompt ?? '—'}
                {alert.environment ? ` (${alert.environment})` : ''}
              </Table.Td>
              <Table.Td>
                <Time at={alert.firedAt} />
              </Table.Td>
              <Table.Td maw={380}>
                <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                  {alert.summary}
                </Text>
              </Table.Td>
              <Table.Td>{deliveriesText(alert)}</Table.Td>
              <Table.Td>
                <AlertActions alert={alert} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** Deliveries in words: "2 delivered, 1 dead". */
function deliveriesText(alert: AlertRecord): string {
  if (alert.deliveries.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const d of alert.deliveries) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function AlertActions({ alert }: { alert: AlertRecord }) {
  const { can } = useSession();
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const [acking, setAcking] = useState(false);
  const redeliver = useMutation({
    mutationFn: () => api<AlertRecord>('POST', projectPath(`/alerts/${seg(alert.id)}/redeliver`)),
    onSuccess: () => client.invalidateQueries({ queryKey: ['alerts'] }),
  });
  if (!can('release.rollback')) return null;
  const hasDead = alert.deliveries.some((d) => d.status === 'dead');
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        {alert.status === 'firing' && (
          <Button size="compact-xs" onClick={() => setAcking(true)} aria-label={`Acknowledge ${alert.name}`}>
            Acknowledge
          </Button>
        )}
        {hasDead && (
          <Button
            size="compact-xs"
            variant="light"
            loading={redeliver.isPending}
            onClick={() => redeliver.mutate()}
            aria-label={`Redeliver ${alert.name}`}
          >
            Redeliver
          </Button>
        )}
      </Group>
      {redeliver.isError && <ErrorNote error={redeliver.error} title="Redeliver refused" />}
      {acking && <AckModal alert={alert} onClose={() => setAcking(false)} />}
    </Stack>
  );
}

function AckModal({ alert, onClose }: { alert: AlertRecord; onClose: () => void }) {
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const ack = useMutation({
    mutationFn: () =>
      api<AlertRecord>('POST', projectPath(`/alerts/${seg(alert.id)}/ack`), {
        body: note.trim() ? { note: note.trim() } : {},
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['alerts'] });
      onClose();
    },
  });
  return (
    <ConfirmModal
      title={`Acknowledge ${alert.name}`}
      action="Acknowledge"
      busy={ack.isPending}
      error={ack.error}
      onSubmit={() => ack.mutate()}
      onClose={onClose}
    >
      <Text size="sm">{alert.summary}</Text>
      <Textarea
        label="Note"
        description="Who is on it, what is being done"
        styles={READABLE_DESCRIPTION}
        autosize
        minRows={2}
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        data-autofocus
      />
    </ConfirmModal>
  );
}
