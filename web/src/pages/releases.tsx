/**
 * Releases: per environment what each prompt serves now, every running (or lately ended) canary
 * with its analysis and charts of canary against stable, and the release history. Refreshed every
 * 5 seconds: a canary the analysis rolls back shows as rolled back without a reload.
 */
import { Anchor, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { CanaryStatus } from '../../../src/store/canary-store.js';
import type { LabelRecord, ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { CanaryPanel } from '../components/canary-panel.js';
import { Page, useProjectPath } from '../components/page.js';
import { ReleaseActionHost, ReleaseActions } from '../components/release-action.js';
import { ErrorNote, QueryState } from '../components/state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';
import { LIVE_REFRESH_MS } from '../refresh.js';
import { servedRows } from '../served.js';

/** How many releases the history shows (newest first). */
const HISTORY_LIMIT = 100;

export default function ReleasesPage() {
  const projectPath = useProjectPath();
  const active = useQuery({
    queryKey: ['releases', 'active'],
    queryFn: () =>
      api<ReleaseRecord[]>('GET', projectPath('/releases'), { query: { active: 'true', limit: 1000 } }),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const labels = useQuery({
    queryKey: ['labels'],
    queryFn: () => api<LabelRecord[]>('GET', projectPath('/labels')),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const environments = useQuery({
    queryKey: ['environments'],
    queryFn: () => api<string[]>('GET', projectPath('/environments')),
  });
  const canaries = useQuery({
    queryKey: ['canary-analyses'],
    queryFn: () => api<CanaryStatus[]>('GET', projectPath('/canary-analyses')),
    refetchInterval: LIVE_REFRESH_MS,
  });
  return (
    <Page title="Releases">
      <ReleaseActionHost>
        {/* What each environment serves is read from three lists: a failed one is said, not shown as empty. */}
        {environments.isError && (
          <ErrorNote error={environments.error} title="The configured environments could not be read" />
        )}
        {labels.isError && <ErrorNote error={labels.error} title="The labels could not be read" />}
        <QueryState query={active}>
          {(releases) => (
            <Served
              environments={environments.data ?? []}
              releases={releases}
              labels={labels.data ?? []}
              canaries={canaries.data ?? []}
            />
          )}
        </QueryState>
        <Stack gap="sm">
          <Title order={2} size="h3">
            Canaries
          </Title>
          <QueryState query={canaries}>
            {(all) => <Canaries analyses={all} active={active.data ?? []} />}
          </QueryState>
        </Stack>
      </ReleaseActionHost>
      <History />
    </Page>
  );
}

/** The running analysis of a release's prompt and environment, if one is. */
function runningAnalysis(canaries: readonly CanaryStatus[], r: ReleaseRecord): CanaryStatus | undefined {
  return canaries.find(
    (c) => c.prompt === r.prompt && c.environment === r.environment && c.state === 'running',
  );
}

/** One section per environment: each prompt's stable version, any canary, since when and by whom. */
function Served({
  environments,
  releases,
  labels,
  canaries,
}: {
  environments: string[];
  releases: ReleaseRecord[];
  labels: LabelRecord[];
  canaries: CanaryStatus[];
}) {
  const sections = servedRows(environments, labels, releases).filter((s) => s.rows.length > 0);
  if (sections.length === 0) return <Text>No environment serves a prompt yet.</Text>;
  return (
    <>
      {sections.map(({ environment, rows }) => (
        <Stack gap="xs" key={environment}>
          <Title order={2} size="h3">
            {environment}
          </Title>
          <TableScroll minWidth={720}>
            <Table striped withTableBorder aria-label={`What ${environment} serves`}>
              <TableHead
                columns={['Prompt', 'Serves', 'Canary', 'Since', 'Released by', 'Change request', 'Actions']}
              />
              <Table.Tbody>
                {rows.map((row) => {
                  const r = row.release;
                  return (
                    <Table.Tr key={row.prompt}>
                      <Table.Td>
                        <Anchor component={Link} to={`/catalog/${encodeURIComponent(row.prompt)}`}>
                          {row.prompt}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>@{row.version}</Table.Td>
                      <Table.Td>{r?.canary ? `@${r.canary.version} at ${r.canary.weight}%` : '—'}</Table.Td>
                      <Table.Td>
                        <Time at={row.since} />
                      </Table.Td>
                      <Table.Td>{row.by}</Table.Td>
                      <Table.Td>
                        {r?.changeRequest ? (
                          <Anchor component={Link} to={`/change-requests/${r.changeRequest}`}>
                            #{r.changeRequest}
                          </Anchor>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        {!r ? (
                          <Text size="xs">set by label, not a release</Text>
                        ) : runningAnalysis(canaries, r) ? (
                          <Text size="xs">see its canary below</Text>
                        ) : (
                          <ReleaseActions release={r} />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </TableScroll>
        </Stack>
      ))}
    </>
  );
}

/** Running canaries first, then those that ended, newest step first. */
function Canaries({ analyses, active }: { analyses: CanaryStatus[]; active: ReleaseRecord[] }) {
  if (analyses.length === 0) return <Text>No canary has been analysed.</Text>;
  const ordered = [...analyses].sort(
    (a, b) =>
      Number(b.state === 'running') - Number(a.state === 'running') ||
      b.stepStartedAt.localeCompare(a.stepStartedAt),
  );
  return (
    <Stack>
      {ordered.map((analysis) => (
        <CanaryPanel
          key={analysis.analysis}
          analysis={analysis}
          release={
            analysis.state === 'running'
              ? active.find((r) => r.prompt === analysis.prompt && r.environment === analysis.environment)
              : undefined
          }
        />
      ))}
    </Stack>
  );
}

/** The release history, newest first, narrowed to one prompt or environment if asked. */
function History() {
  const projectPath = useProjectPath();
  const [prompt, setPrompt] = useState<string | null>(null);
  const [environment, setEnvironment] = useState<string | null>(null);
  const history = useQuery({
    queryKey: ['releases', 'history', prompt, environment],
    queryFn: () =>
      api<ReleaseRecord[]>('GET', projectPath('/releases'), {
        query: { prompt: prompt ?? undefined, environment: environment ?? undefined, limit: HISTORY_LIMIT },
      }),
    refetchInterval: LIVE_REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const all = history.data ?? [];
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">
        Release history
      </Title>
      <Group>
        <Select
          label="Prompt"
          placeholder="All prompts"
          clearable
          searchable
          data={[...new Set([...all.map((r) => r.prompt), ...(prompt ? [prompt] : [])])].sort()}
          value={prompt}
          onChange={setPrompt}
        />
        <Select
          label="Environment"
          placeholder="All environments"
          clearable
          data={[
            ...new Set([...all.map((r) => r.environment), ...(environment ? [environment] : [])]),
          ].sort()}
          value={environment}
          onChange={setEnvironment}
        />
      </Group>
      <QueryState query={history}>{(releases) => <HistoryTable releases={releases} />}</QueryState>
    </Stack>
  );
}

function HistoryTable({ releases }: { releases: ReleaseRecord[] }) {
  if (releases.length === 0) return <Text>No releases.</Text>;
  return (
    <TableScroll minWidth={900}>
      <Table striped withTableBorder aria-label="Release history">
        <TableHead
          columns={['Prompt', 'Environment', '#', 'Kind', 'Version', 'Canary', 'By', 'When', 'Notes']}
        />
        <Table.Tbody>
          {releases.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{r.prompt}</Table.Td>
              <Table.Td>{r.environment}</Table.Td>
              <Table.Td>{r.seq}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <StatusBadge variant="light" color={r.kind === 'rollback' ? 'red' : 'gray'}>
                    {r.kind}
                  </StatusBadge>
                  {r.active && (
                    <StatusBadge variant="outline" color="green">
                      active
                    </StatusBadge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>@{r.version}</Table.Td>
              <Table.Td>{r.canary ? `@${r.canary.version} at ${r.canary.weight}%` : '—'}</Table.Td>
              <Table.Td>{r.actor}</Table.Td>
              <Table.Td>
                <Time at={r.at} />
              </Table.Td>
              <Table.Td maw={360}>
                <Text size="xs" lineClamp={2} title={r.notes ?? undefined}>
                  {r.notes ?? '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
