import { Anchor, Button, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { shortHash } from '../../../src/catalog/canonical-json.js';
import type { LabelEvent, LabelRecord, VersionRecord } from '../../../src/store/types.js';
import { api, seg } from '../api.js';
import { ContractView } from '../catalog/contract-view.js';
import { VersionDiff } from '../catalog/version-diff.js';
import { Page, useProjectPath } from '../components/page.js';
import { RiskBadge } from '../components/risk-badge.js';
import { QueryState } from '../components/state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';

/**
 * One prompt: its versions, its labels and their moves, a chosen version's contract and guardrails,
 * and two versions compared. The chosen version and the compared pair live in the address
 * (`?version=3&from=2&to=3`), so a link shows the same view.
 */
export default function PromptPage() {
  const name = useParams().prompt ?? '';
  const path = useProjectPath();
  const versions = useQuery({
    queryKey: ['versions', path(''), name],
    queryFn: () => api<VersionRecord[]>('GET', path(`/prompts/${seg(name)}/versions`)),
    refetchInterval: 15_000,
  });
  return (
    <Page
      title={name}
      actions={
        <Anchor component={Link} to="/catalog">
          All prompts
        </Anchor>
      }
    >
      <QueryState query={versions}>
        {(list) =>
          list.length === 0 ? (
            <Text>This prompt has no versions.</Text>
          ) : (
            <PromptView name={name} versions={list} />
          )
        }
      </QueryState>
    </Page>
  );
}

function PromptView({ name, versions: listed }: { name: string; versions: VersionRecord[] }) {
  const [params, setParams] = useSearchParams();
  const versions = [...listed].sort((a, b) => b.number - a.number);
  const newest = versions[0] as VersionRecord;
  const byNumber = new Map(versions.map((v) => [v.number, v]));
  const chosen = byNumber.get(Number(params.get('version'))) ?? newest;
  const to = byNumber.get(Number(params.get('to'))) ?? newest;
  const from = byNumber.get(Number(params.get('from'))) ?? versions[1] ?? newest;
  const update = (changes: Record<string, number>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) next.set(key, String(value));
    setParams(next, { replace: true });
  };
  const spec = newest.spec;
  return (
    <Stack gap="lg">
      <Group gap="sm">
        <Text size="sm">Owner: {spec.promptops.owner ?? 'none'}</Text>
        <RiskBadge level={spec.promptops.risk} />
        {spec.description && (
          <Text size="sm" c="gray.7">
            {spec.description}
          </Text>
        )}
      </Group>
      <section aria-labelledby="versions-heading">
        <Title order={2} size="h4" id="versions-heading" mb="xs">
          Versions
        </Title>
        <VersionTable
          versions={versions}
          chosen={chosen.number}
          onChoose={(number) => update({ version: number })}
        />
      </section>
      <section aria-labelledby="labels-heading">
        <Title order={2} size="h4" id="labels-heading" mb="xs">
          Labels
        </Title>
        <Labels name={name} />
      </section>
      <section aria-labelledby="contract-heading">
        <Title order={2} size="h4" id="contract-heading" mb="xs">
          Version {chosen.number}: contract and guardrails
        </Title>
        <ContractView spec={chosen.spec} />
      </section>
      <section aria-labelledby="compare-heading">
        <Title order={2} size="h4" id="compare-heading" mb="xs">
          Compare versions
        </Title>
        {versions.length < 2 ? (
          <Text>There is only one version.</Text>
        ) : (
          <Stack gap="sm">
            <Group>
              <VersionSelect
                label="From version"
                versions={versions}
                value={from.number}
                onChange={(n) => update({ from: n })}
              />
              <VersionSelect
                label="To version"
                versions={versions}
                value={to.number}
                onChange={(n) => update({ to: n })}
              />
            </Group>
            {from.number === to.number ? (
              <Text>Choose two different versions.</Text>
            ) : (
              <VersionDiff from={from} to={to} />
            )}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: VersionRecord[];
  value: number;
  onChange: (number: number) => void;
}) {
  return (
    <Select
      label={label}
      data={versions.map((v) => ({ value: String(v.number), label: `v${v.number} (${shortHash(v.hash)})` }))}
      value={String(value)}
      onChange={(picked) => picked && onChange(Number(picked))}
      allowDeselect={false}
      w={220}
    />
  );
}

function VersionTable({
  versions,
  chosen,
  onChoose,
}: {
  versions: VersionRecord[];
  chosen: number;
  onChoose: (number: number) => void;
}) {
  return (
    <TableScroll minWidth={720}>
      <Table aria-label="Versions" highlightOnHover>
        <TableHead columns={['Version', 'Hash', 'Author', 'Created', 'Labels', 'Archived', 'Contract']} />
        <Table.Tbody>
          {versions.map((version) => (
            <Table.Tr key={version.number} aria-current={version.number === chosen ? 'true' : undefined}>
              <Table.Td>
                v{version.number}
                {version.message && (
                  <Text size="xs" c="gray.7">
                    {version.message}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Code title={version.hash}>{shortHash(version.hash)}</Code>
              </Table.Td>
              <Table.Td>{version.author}</Table.Td>
              <Table.Td>
                <Time at={version.createdAt} />
              </Table.Td>
              <Table.Td>{version.labels.length > 0 ? version.labels.join(', ') : '—'}</Table.Td>
              <Table.Td>
                {version.archived ? (
                  <Text size="sm" title={version.archived.reason ?? undefined}>
                    archived by {version.archived.by}, <Time at={version.archived.at} />
                  </Text>
                ) : (
                  'no'
                )}
              </Table.Td>
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant={version.number === chosen ? 'filled' : 'default'}
                  onClick={() => onChoose(version.number)}
                  aria-pressed={version.number === chosen}
                >
                  Show v{version.number}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** The prompt's labels now, then every move they made. */
function Labels({ name }: { name: string }) {
  const path = useProjectPath();
  const labels = useQuery({
    queryKey: ['labels', path(''), name],
    queryFn: () => api<LabelRecord[]>('GET', path('/labels'), { query: { prompt: name } }),
    refetchInterval: 15_000,
  });
  const history = useQuery({
    queryKey: ['label-history', path(''), name],
    queryFn: () => api<LabelEvent[]>('GET', path(`/prompts/${seg(name)}/label-history`)),
    refetchInterval: 15_000,
  });
  return (
    <Stack gap="sm">
      <QueryState query={labels}>
        {(list) =>
          list.length === 0 ? (
            <Text>No labels point at this prompt.</Text>
          ) : (
            <TableScroll minWidth={480}>
              <Table aria-label="Labels">
                <TableHead columns={['Label', 'Version', 'Moved by', 'Moved']} />
                <Table.Tbody>
                  {list.map((label) => (
                    <Table.Tr key={label.label}>
                      <Table.Td>
                        <StatusBadge variant="outline" color="blue" tt="none">
                          {label.label}
                        </StatusBadge>
                      </Table.Td>
                      <Table.Td>
                        v{label.number} <Code>{shortHash(label.hash)}</Code>
                      </Table.Td>
                      <Table.Td>{label.updatedBy}</Table.Td>
                      <Table.Td>
                        <Time at={label.updatedAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )
        }
      </QueryState>
      <Title order={3} size="h5">
        Label history
      </Title>
      <QueryState query={history}>{(events) => <LabelHistory events={events} />}</QueryState>
    </Stack>
  );
}

/** The newest moves shown; the history of a busy prompt can be long. */
const HISTORY_SHOWN = 50;

function LabelHistory({ events }: { events: LabelEvent[] }) {
  if (events.length === 0) return <Text>No label has moved yet.</Text>;
  const newestFirst = [...events].sort((a, b) => b.seq - a.seq).slice(0, HISTORY_SHOWN);
  return (
    <>
      <TableScroll minWidth={480}>
        <Table aria-label="Label history" striped>
          <TableHead columns={['When', 'Label', 'Move', 'By']} />
          <Table.Tbody>
            {newestFirst.map((event) => (
              <Table.Tr key={`${event.label}-${event.seq}`}>
                <Table.Td>
                  <Time at={event.at} />
                </Table.Td>
                <Table.Td>{event.label}</Table.Td>
                <Table.Td>
                  {event.action === 'remove'
                    ? `removed (was v${event.from})`
                    : event.from === null
                      ? `set to v${event.to}`
                      : `v${event.from} → v${event.to}`}
                </Table.Td>
                <Table.Td>{event.actor}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {events.length > HISTORY_SHOWN && (
        <Text size="sm" c="gray.7">
          The newest {HISTORY_SHOWN} of {events.length} moves.
        </Text>
      )}
    </>
  );
}
