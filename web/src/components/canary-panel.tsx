/**
 * One canary analysis: stable against canary, its weight and step, every judged interval with each
 * metric's figures and threshold, charts of both arms per metric over the canary's life, and how it
 * ended (the release that replaced it, whose notes carry the analysis's evidence).
 */
import { Alert, Anchor, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { RollupCell } from '../../../src/monitor/rollup.js';
import type { CanaryStatus } from '../../../src/store/canary-store.js';
import type { ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import {
  canarySpan,
  endingRelease,
  failedMetrics,
  splitEvidence,
  thresholdText,
  tracesLink,
  verdictColor,
} from '../canary-view.js';
import { LIVE_REFRESH_MS } from '../refresh.js';
import { chartData, metricFormatter, metricReading, spanBuckets, sumByBucket } from '../rollup-series.js';
import { Chart } from './chart.js';
import { useProjectPath } from './page.js';
import { ReleaseActions } from './release-action.js';
import { ErrorNote, Loading } from './state.js';
import { READABLE, StatusBadge } from './status-badge.js';
import { TableHead, TableScroll } from './table-head.js';
import { Time } from './time.js';

type Interval = CanaryStatus['intervals'][number];

/** A canary analysis's panel; `release` is the active release when it still runs (for its buttons). */
export function CanaryPanel({ analysis: a, release }: { analysis: CanaryStatus; release?: ReleaseRecord }) {
  const projectPath = useProjectPath();
  const history = useQuery({
    // The state is in the key: when the analysis ends, the history is read again (it then holds the
    // release that ended it) and not polled after.
    queryKey: ['releases', 'of', a.prompt, a.environment, a.state],
    queryFn: () =>
      api<ReleaseRecord[]>('GET', projectPath('/releases'), {
        query: { prompt: a.prompt, environment: a.environment, limit: 50 },
      }),
    refetchInterval: a.state === 'running' ? LIVE_REFRESH_MS : false,
  });
  const ending = a.state === 'running' ? null : endingRelease(a, history.data ?? []);
  const heading = `${a.prompt} in ${a.environment}`;
  return (
    <Paper withBorder p="md" component="section" aria-label={`Canary of ${heading}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={3} size="h4">
              {heading}
            </Title>
            <StatusBadge color={verdictColor(a.state)}>{a.state}</StatusBadge>
          </Group>
          {release && <ReleaseActions release={release} />}
        </Group>
        <Text size="sm">
          Canary @{a.canary.version} at {a.canary.weight}% beside stable @{a.stable}; steps{' '}
          {a.plan.steps.map((s) => `${s}%`).join(' → ')}, interval {a.plan.interval}. Failed {a.failures} of{' '}
          {a.plan.failureLimit} allowed; passed {a.passesThisStep} of {a.plan.intervalsPerStep} this step.
          Step started <Time at={a.stepStartedAt} />.
          {a.changeRequest !== null && (
            <>
              {' '}
              Ships{' '}
              <Anchor component={Link} to={`/change-requests/${a.changeRequest}`}>
                change request #{a.changeRequest}
              </Anchor>
              .
            </>
          )}
        </Text>
        {ending && <Outcome analysis={a} ending={ending} />}
        {history.isError && <ErrorNote error={history.error} title="The release history could not be read" />}
        <Intervals analysis={a} />
        <CanaryCharts analysis={a} end={ending?.at ?? null} />
      </Stack>
    </Paper>
  );
}

/** How the canary ended: who did it, when, and the notes (the analysis writes its evidence there). */
function Outcome({ analysis: a, ending }: { analysis: CanaryStatus; ending: ReleaseRecord }) {
  const rolledBack = ending.kind === 'rollback';
  return (
    <Alert
      variant="outline"
      color={rolledBack ? READABLE.red : READABLE.green}
      title={`${rolledBack ? 'Rolled back' : ending.kind === 'promote' ? 'Promoted' : 'Replaced'} by ${ending.actor}`}
    >
      <Stack gap={4}>
        <Text size="sm">
          <Time at={ending.at} />: release {ending.seq}, {a.environment} serves @{ending.version}.
        </Text>
        {ending.notes && <Notes notes={ending.notes} />}
        {rolledBack && (
          <Group gap="md">
            <Anchor component={Link} to={tracesLink(a.prompt, a.canary.version)} size="sm">
              Failed canary traces of @{a.canary.version}
            </Anchor>
            <Anchor component={Link} to="/audit" size="sm">
              Audit log
            </Anchor>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** A release's notes: the summary, and the analysis's evidence (as recorded) folded away. */
function Notes({ notes }: { notes: string }) {
  const { summary, evidence } = splitEvidence(notes);
  return (
    <>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {summary}
      </Text>
      {evidence && (
        <details>
          <summary>
            <Text span size="sm">
              Evidence as recorded (the failing intervals are also in the table below)
            </Text>
          </summary>
          <Code block>{evidence}</Code>
        </details>
      )}
    </>
  );
}

/** Every judged interval, newest first, with each metric's figures, threshold and test. */
function Intervals({ analysis: a }: { analysis: CanaryStatus }) {
  if (a.intervals.length === 0) {
    return <Text size="sm">No interval has been judged yet (each lasts {a.plan.interval}).</Text>;
  }
  return (
    <TableScroll minWidth={860}>
      <Table withTableBorder aria-label={`Analysis intervals of ${a.prompt} in ${a.environment}`} fz="sm">
        <TableHead columns={['Interval', 'Verdict', 'Metric', 'Canary', 'Stable', 'Threshold', 'Evidence']} />
        <Table.Tbody>
          {[...a.intervals].reverse().map((interval) => (
            <IntervalRows key={`${interval.release}:${interval.index}`} analysis={a} interval={interval} />
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

function IntervalRows({ analysis: a, interval }: { analysis: CanaryStatus; interval: Interval }) {
  const metrics = interval.evidence.metrics;
  const rows = Math.max(1, metrics.length);
  const failed = interval.verdict === 'fail' || failedMetrics(interval).length > 0;
  const head = (
    <>
      <Table.Td rowSpan={rows}>
        <Text size="sm">
          {interval.weight}% · <Time at={interval.windowStart} /> –{' '}
          {new Date(interval.windowEnd).toLocaleTimeString()}
        </Text>
      </Table.Td>
      <Table.Td rowSpan={rows}>
        <Stack gap={4} align="flex-start">
          <StatusBadge color={verdictColor(interval.verdict)}>{interval.verdict}</StatusBadge>
          {failed && (
            <Anchor component={Link} to={tracesLink(a.prompt, a.canary.version)} size="xs">
              Failed traces
            </Anchor>
          )}
        </Stack>
      </Table.Td>
    </>
  );
  if (metrics.length === 0) {
    return (
      <Table.Tr>
        {head}
        <Table.Td colSpan={5}>{interval.evidence.error ?? 'no metric judged'}</Table.Td>
      </Table.Tr>
    );
  }
  return (
    <>
      {metrics.map((m, i) => (
        <Table.Tr key={m.metric}>
          {i === 0 && head}
          <Table.Td>
            <Group gap={4} wrap="nowrap">
              <Text size="sm">{m.metric}</Text>
              <StatusBadge size="xs" variant="light" color={verdictColor(m.verdict)}>
                {m.verdict}
              </StatusBadge>
            </Group>
          </Table.Td>
          <Table.Td>
            {metricFormatter(m.metric)(m.canary.value)} ({m.canary.samples})
          </Table.Td>
          <Table.Td>
            {metricFormatter(m.metric)(m.stable.value)} ({m.stable.samples})
          </Table.Td>
          <Table.Td>{thresholdText(m.threshold)}</Table.Td>
          <Table.Td>
            <Text size="xs">
              {m.reason}
              {m.pValue !== null && !m.reason.includes('p ') ? ` (p = ${m.pValue.toFixed(4)})` : ''}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </>
  );
}

/** Canary against stable, per metric of the plan, over the canary's life (both arms' rollups). */
function CanaryCharts({ analysis: a, end }: { analysis: CanaryStatus; end: string | null }) {
  const projectPath = useProjectPath();
  const running = a.state === 'running';
  const cells = useQuery({
    queryKey: ['rollups', 'canary', a.analysis, end],
    queryFn: async () => {
      const span = canarySpan(a, Date.now(), end);
      const buckets = spanBuckets(span.from, span.to);
      const read = (arm: 'canary' | 'stable', version: number) =>
        api<RollupCell[]>('GET', projectPath('/rollups'), {
          query: {
            prompt: a.prompt,
            environment: a.environment,
            version,
            arm,
            from: new Date(buckets.from).toISOString(),
            to: new Date(buckets.to).toISOString(),
          },
        });
      const [canary, stable] = await Promise.all([
        read('canary', a.canary.version),
        read('stable', a.stable),
      ]);
      return { buckets, summed: sumByBucket([...canary, ...stable], buckets, (cell) => cell.arm) };
    },
    refetchInterval: running ? LIVE_REFRESH_MS : false,
    placeholderData: (previous) => previous,
  });
  if (cells.isPending) return <Loading label="Loading the canary's charts" />;
  if (cells.isError) return <ErrorNote error={cells.error} title="The canary's rollups could not be read" />;
  const { buckets, summed } = cells.data;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {a.plan.metrics.map(({ metric }) => (
        <Chart
          key={metric}
          headingOrder={4}
          title={`${metric}: canary @${a.canary.version} vs stable @${a.stable}`}
          yLabel={metric}
          format={metricFormatter(metric)}
          data={chartData(summed, buckets, [
            { label: `canary @${a.canary.version}`, group: 'canary', read: metricReading(metric) },
            { label: `stable @${a.stable}`, group: 'stable', read: metricReading(metric) },
          ])}
        />
      ))}
    </SimpleGrid>
  );
}
