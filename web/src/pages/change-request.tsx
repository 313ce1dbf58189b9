import { Anchor, Button, Code, Group, List, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import type { ChangeRequest } from '../../../src/store/types.js';
import { api } from '../api.js';
import { CHECK_LABELS, checkRows, DECISION_LABELS, isReleasable } from '../change-requests.js';
import { invalidateChangeRequest, ReleaseForm, ReviewForm } from '../components/change-request-forms.js';
import { ChangeRequestStateBadge, StateBadge } from '../components/change-request-parts.js';
import { Page, useProjectPath } from '../components/page.js';
import { RiskBadge } from '../components/risk-badge.js';
import { Section } from '../components/section.js';
import { ErrorNote, QueryState } from '../components/state.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';
import { readable } from '../readable.js';
import { useSession } from '../session.js';

/** One change request: what it changes, its checks, its risk, its approvals, and what may be done next. */
export default function ChangeRequestPage() {
  const number = Number(useParams().number);
  const projectPath = useProjectPath();
  const query = useQuery({
    queryKey: ['change-request', number],
    queryFn: () => api<ChangeRequest>('GET', projectPath(`/change-requests/${number}`)),
    enabled: Number.isInteger(number) && number > 0,
    refetchInterval: 15_000,
  });
  if (!Number.isInteger(number) || number < 1) {
    return (
      <Page title="Change request">
        <Text>There is no change request with that number.</Text>
      </Page>
    );
  }
  return (
    <Page title={`Change request #${number}`}>
      <QueryState query={query}>{(cr) => <ChangeRequestView cr={cr} />}</QueryState>
    </Page>
  );
}

function ChangeRequestView({ cr }: { cr: ChangeRequest }) {
  const { can } = useSession();
  return (
    <Stack gap="lg">
      <Changes cr={cr} />
      <Checks cr={cr} />
      <Risk cr={cr} />
      <Approvals cr={cr} />
      {can('cr.review') && cr.status === 'open' && <ReviewForm cr={cr} />}
      {can('release.create') && isReleasable(cr) && <ReleaseForm cr={cr} />}
    </Stack>
  );
}

function Changes({ cr }: { cr: ChangeRequest }) {
  return (
    <Section framed title="What it changes">
      <Group gap="xs">
        <Text fw={600}>{cr.title}</Text>
        <ChangeRequestStateBadge cr={cr} />
      </Group>
      {cr.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{cr.description}</Text>}
      <Text>
        Prompt{' '}
        <Anchor component={Link} to={`/catalog/${encodeURIComponent(cr.prompt)}`}>
          {cr.prompt}
        </Anchor>
        : proposes version {cr.version}
        {cr.base === null
          ? `, where ${cr.baseLabel ?? 'production'} serves no version yet`
          : `, replacing version ${cr.base} that ${cr.baseLabel ?? 'production'} serves`}
      </Text>
      <Text size="sm" c="gray.7">
        Opened by {cr.author} on <Time at={cr.createdAt} />
        {cr.authors.length > 1 ? `; authors: ${cr.authors.join(', ')}` : ''}. Updated{' '}
        <Time at={cr.updatedAt} />.
      </Text>
    </Section>
  );
}

function Checks({ cr }: { cr: ChangeRequest }) {
  const { can } = useSession();
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: () => api('POST', projectPath(`/change-requests/${cr.number}/checks/run`)),
    onSuccess: () => invalidateChangeRequest(client, cr.number),
  });
  return (
    <Section framed title="Checks">
      <TableScroll minWidth={640}>
        <Table aria-label="Checks on the proposed version">
          <TableHead columns={['Check', 'Status', 'Summary', 'Recorded']} />
          <Table.Tbody>
            {checkRows(cr).map((row) => (
              <Table.Tr key={row.name}>
                <Table.Td>{CHECK_LABELS[row.name] ?? row.name}</Table.Td>
                <Table.Td>
                  <StateBadge status={row.state} />
                </Table.Td>
                <Table.Td>
                  {row.run ? (
                    row.run.summary
                  ) : (
                    <Text size="sm" c="gray.7">
                      Not run on this version
                    </Text>
                  )}
                  {row.run?.details !== undefined && row.run?.details !== null && (
                    <details>
                      <summary>Details</summary>
                      <Code block>{readable(row.run.details)}</Code>
                    </details>
                  )}
                </Table.Td>
                <Table.Td>
                  {row.run ? (
                    <>
                      {row.run.actor}, <Time at={row.run.at} />
                    </>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {cr.overrides.length > 0 && (
        <List size="sm">
          {cr.overrides.map((o) => (
            <List.Item key={`${o.check}-${o.at}`}>
              {CHECK_LABELS[o.check] ?? o.check} overridden by {o.actor} (<Time at={o.at} />
              ): {o.justification}
            </List.Item>
          ))}
        </List>
      )}
      {can('cr.run_checks') && cr.status === 'open' && (
        <Group>
          <Button variant="default" onClick={() => run.mutate()} loading={run.isPending}>
            Run checks
          </Button>
          {run.isPending && <Text size="sm">The checks run on the server; a suite can take minutes.</Text>}
        </Group>
      )}
      {run.isError && <ErrorNote error={run.error} title="The checks did not run" />}
    </Section>
  );
}

function Risk({ cr }: { cr: ChangeRequest }) {
  const { risk } = cr;
  return (
    <Section framed title="Risk">
      <Group gap="xs">
        <Text>
          Score <strong>{risk.score}</strong> of 100
        </Text>
        <RiskBadge level={risk.level} />
      </Group>
      <Text size="sm" c="gray.7">
        The score alone means {risk.scoreLevel}; the prompt's tier is {risk.tier}; the policy applies the
        higher: {risk.level}.
      </Text>
      {risk.factors.length === 0 ? (
        <Text size="sm">No risk factors.</Text>
      ) : (
        <TableScroll minWidth={480}>
          <Table aria-label="Risk factors">
            <TableHead columns={['Factor', 'Points', 'Why']} />
            <Table.Tbody>
              {risk.factors.map((f) => (
                <Table.Tr key={f.factor}>
                  <Table.Td>{f.factor}</Table.Td>
                  <Table.Td>+{f.points}</Table.Td>
                  <Table.Td>{f.detail}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Section>
  );
}

function Approvals({ cr }: { cr: ChangeRequest }) {
  const { gate } = cr;
  return (
    <Section framed title="Approvals">
      <Text>
        {gate.rule.required === 0
          ? 'No approval required'
          : `${gate.approvedBy.length} of ${gate.rule.required} required approval${gate.rule.required === 1 ? '' : 's'}`}
        {gate.rule.fromGroup ? `, one from ${gate.rule.fromGroup}` : ''}
        {gate.rule.greenChecks ? '; every required check must be green' : ''} ({gate.level} risk).
        {gate.ready ? ' Ready to release.' : ''}
      </Text>
      {gate.blockers.length > 0 && (
        <List size="sm" aria-label="What stands in the way">
          {gate.blockers.map((b) => (
            <List.Item key={b}>{b}</List.Item>
          ))}
        </List>
      )}
      {cr.reviews.length === 0 ? (
        <Text size="sm" c="gray.7">
          No reviews yet.
        </Text>
      ) : (
        <TableScroll minWidth={560}>
          <Table aria-label="Reviews">
            <TableHead columns={['Reviewer', 'Verdict', 'Comment', 'When']} />
            <Table.Tbody>
              {cr.reviews.map((r) => (
                <Table.Tr key={`${r.reviewer}-${r.at}-${r.decision}`}>
                  <Table.Td>{r.reviewer}</Table.Td>
                  <Table.Td>{DECISION_LABELS[r.decision] ?? r.decision}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.comment ?? '—'}</Table.Td>
                  <Table.Td>
                    <Time at={r.at} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Section>
  );
}
