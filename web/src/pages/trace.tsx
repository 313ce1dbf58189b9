import { Alert, Anchor, Code, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { Trace } from '../../../src/observe/trace.js';
import type { FeedbackRecord } from '../../../src/store/types.js';
import { api, seg } from '../api.js';
import { Page, useProjectPath } from '../components/page.js';
import { Section } from '../components/section.js';
import { ErrorNote, Loading, QueryState } from '../components/state.js';
import { TableScroll } from '../components/table-head.js';
import { TraceGuardrails } from '../components/trace-guardrails.js';
import { TraceStatusBadge, TraceTime } from '../components/trace-rows.js';
import { TraceTable } from '../components/trace-table.js';
import { TraceTimeline } from '../components/trace-timeline.js';
import { readable } from '../readable.js';
import { formatCost, formatLatency } from '../trace-list.js';

/** /traces/:id: one execution in full. */
export default function TracePage() {
  const { id = '' } = useParams();
  const path = useProjectPath()(`/traces/${seg(id)}`);
  const trace = useQuery({ queryKey: ['trace', path], queryFn: () => api<Trace>('GET', path) });
  return (
    <Page title="Trace">
      <QueryState query={trace}>{(t) => <TraceDetail trace={t} />}</QueryState>
    </Page>
  );
}

function TraceDetail({ trace }: { trace: Trace }) {
  return (
    <Stack gap="lg">
      <Summary trace={trace} />
      <Section title="Timeline">
        <TraceTimeline trace={trace} />
      </Section>
      <Section title="Model attempts">
        <Attempts trace={trace} />
      </Section>
      <Section title="Guardrails">
        <TraceGuardrails trace={trace} />
      </Section>
      <Section title="Contract mutations">
        <Mutations mutations={trace.mutations} />
      </Section>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title="Input">
          <Code block style={{ whiteSpace: 'pre-wrap' }}>
            {readable(trace.input)}
          </Code>
        </Section>
        <Section title="Output">
          <Code block style={{ whiteSpace: 'pre-wrap' }}>
            {trace.output === null ? '(no output)' : readable(trace.output)}
          </Code>
        </Section>
      </SimpleGrid>
      <Section title="Feedback">
        <Feedback trace={trace} />
      </Section>
      {Object.keys(trace.metadata).length > 0 && (
        <Section title="Metadata">
          <KeyValues entries={Object.entries(trace.metadata)} label="Metadata" />
        </Section>
      )}
    </Stack>
  );
}

/** What ran and how it ended: prompt, version, environment, arm, status, model, time, tokens, cost. */
function Summary({ trace }: { trace: Trace }) {
  const entries: [string, ReactNode][] = [
    [
      'Prompt',
      <Anchor key="p" component={Link} to={`/catalog/${seg(trace.prompt)}`}>
        {trace.prompt}@{trace.version.number}
      </Anchor>,
    ],
    ['Version hash', <Code key="h">{trace.version.hash.slice(0, 12)}</Code>],
    ['Status', <TraceStatusBadge key="s" status={trace.status} />],
    ['Started', <TraceTime key="t" at={trace.startedAt} />],
    ['Environment', trace.environment ?? '—'],
    ['Arm', trace.arm ?? '—'],
    ['Model', trace.model ?? '—'],
    ['Latency', formatLatency(trace.timings.total)],
    ['Tokens', `${trace.usage.inputTokens} in + ${trace.usage.outputTokens} out`],
    ['Cost', formatCost(trace.costUsd)],
    ['Re-asks', String(trace.reasks)],
    ['Trace id', <Code key="i">{trace.id}</Code>],
  ];
  return (
    <Stack gap="sm">
      {trace.error && (
        <Alert color="red" styles={READABLE_TITLE} title={trace.error.code}>
          {trace.error.message}
        </Alert>
      )}
      {trace.status === 'held' && (
        <Alert color="yellow" styles={READABLE_TITLE} title="Held for review">
          A guardrail escalated this request to a person. See the{' '}
          <Anchor component={Link} to="/reviews" c="blue.9" underline="always">
            review queue
          </Anchor>
          .
        </Alert>
      )}
      {trace.review && (
        <Alert color="blue" styles={READABLE_TITLE} title="Ran after review">
          Review {trace.review.id} was {trace.review.decision} by {trace.review.decidedBy}.
        </Alert>
      )}
      <KeyValues entries={entries} label="Summary" />
    </Stack>
  );
}

/** Alert titles in the text's colour: the alerts' own light tints fail WCAG AA on their backgrounds. */
const READABLE_TITLE = { title: { color: 'var(--mantine-color-text)' } };

function KeyValues({ entries, label }: { entries: [string, ReactNode][]; label: string }) {
  return (
    <TableScroll minWidth={320}>
      <Table aria-label={label} withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {entries.map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Th w={160} scope="row">
                {key}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** Every call to a model, the provider and model apart; tokens are recorded for the run as a whole. */
function Attempts({ trace }: { trace: Trace }) {
  if (trace.attempts.length === 0) return <Text size="sm">No model was called.</Text>;
  return (
    <Stack gap={4}>
      <TraceTable
        label="Model attempts"
        columns={['Attempt', 'Provider', 'Model', 'Latency', 'Waited before', 'Error']}
      >
        {trace.attempts.map((attempt, i) => {
          const [provider, ...model] = attempt.model.split('/');
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a trace's attempts are fixed, in order
            <Table.Tr key={i}>
              <Table.Td>{attempt.attempt}</Table.Td>
              <Table.Td>{provider}</Table.Td>
              <Table.Td>{model.join('/') || '—'}</Table.Td>
              <Table.Td>{formatLatency(attempt.durationMs)}</Table.Td>
              <Table.Td>{attempt.waitedMs ? formatLatency(attempt.waitedMs) : '—'}</Table.Td>
              <Table.Td>{attempt.error ? `${attempt.error.code}: ${attempt.error.message}` : '—'}</Table.Td>
            </Table.Tr>
          );
        })}
      </TraceTable>
      <Text size="xs" c="gray.7">
        Tokens are recorded for the run as a whole: {trace.usage.inputTokens} in, {trace.usage.outputTokens}{' '}
        out
        {trace.reasks > 0 ? `, over ${trace.reasks + 1} asks` : ''}.
      </Text>
    </Stack>
  );
}

/** What the input contract changed: defaults filled in, types coerced, text trimmed or cut. */
function Mutations({ mutations }: { mutations: Trace['mutations'] }) {
  if (mutations.length === 0)
    return <Text size="sm">The input met its contract as sent; nothing was changed.</Text>;
  return (
    <TraceTable label="Contract mutations" columns={['Field', 'Rule', 'Before', 'After']}>
      {mutations.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a trace's mutations are fixed, in order
        <Table.Tr key={i}>
          <Table.Td>{m.path || '(input)'}</Table.Td>
          <Table.Td>{m.rule}</Table.Td>
          <Table.Td>
            <Code style={{ whiteSpace: 'pre-wrap' }}>
              {'before' in m ? JSON.stringify(m.before) : '(missing)'}
            </Code>
          </Table.Td>
          <Table.Td>
            <Code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(m.after)}</Code>
          </Table.Td>
        </Table.Tr>
      ))}
    </TraceTable>
  );
}

/** How many feedback records a trace's page shows; a trace rarely gets more than a few. */
const FEEDBACK_SHOWN = 50;

/** The feedback people gave on this trace, newest first. */
function Feedback({ trace }: { trace: Trace }) {
  const path = useProjectPath()('/feedback');
  const query = { traceId: trace.id, limit: FEEDBACK_SHOWN };
  const feedback = useQuery({
    queryKey: ['feedback', path, query],
    queryFn: () => api<FeedbackRecord[]>('GET', path, { query }),
  });
  if (feedback.isPending) return <Loading label="Loading feedback" />;
  if (feedback.isError) return <ErrorNote error={feedback.error} title="Feedback could not be loaded" />;
  if (feedback.data.length === 0) return <Text size="sm">No feedback was recorded for this trace.</Text>;
  return (
    <TraceTable
      label="Feedback on this trace"
      columns={['When', 'By', 'Rating', 'Comment', 'Corrected output']}
    >
      {feedback.data.map((f) => (
        <Table.Tr key={f.id}>
          <Table.Td>
            <TraceTime at={f.at} />
          </Table.Td>
          <Table.Td>{f.by}</Table.Td>
          <Table.Td>
            <Group gap={4}>{rating(f)}</Group>
          </Table.Td>
          <Table.Td>{f.comment ?? '—'}</Table.Td>
          <Table.Td>
            {f.correctedOutput == null ? '—' : <Code block>{readable(f.correctedOutput)}</Code>}
          </Table.Td>
        </Table.Tr>
      ))}
    </TraceTable>
  );
}

function rating(f: FeedbackRecord): string {
  const parts = [
    f.thumbs === null ? null : `thumbs ${f.thumbs}`,
    f.score === null ? null : `score ${f.score}`,
  ];
  return `${parts.filter(Boolean).join(', ')} (${f.negative ? 'negative' : 'positive'})`;
}
