/**
 * Monitoring: one prompt's production picture over a window (latency, errors, cost, guardrail
 * blocks, schema validity, feedback) from the per-minute rollups every gateway writes, the drift
 * monitor's last reports, and the alert list. Read again as often as the window moves (every 10 s
 * for the last hour, every 5 min for a week), alerts every 5 s; the choice lives in the URL.
 */
import { Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { DriftReport, Finding } from '../../../src/monitor/drift.js';
import type { MetricName, RollupCell, RollupValues } from '../../../src/monitor/rollup.js';
import type { PromptSummary, ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { Chart } from '../components/chart.js';
import { AlertList } from '../components/monitoring-alerts.js';
import { Page, useProjectPath } from '../components/page.js';
import { ErrorNote, Loading, QueryState } from '../components/state.js';
import { StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';
import { everyLabel, LIVE_REFRESH_MS } from '../refresh.js';
import {
  type Buckets,
  chartData,
  isWindowName,
  metricFormatter,
  metricReading,
  type Reading,
  sumByBucket,
  WINDOWS,
  type WindowName,
  windowBuckets,
} from '../rollup-series.js';

const count = (value: number | null) => (value === null ? '—' : String(Math.round(value)));

/** A chart: a title, a y label, its lines (each a reading of a bucket's sum) and a format. */
interface ChartSpec {
  title: string;
  yLabel: string;
  format: (v: number | null) => string;
  lines: [string, Reading][];
}

/** A chart of one metric of rollup.ts, as the canary analysis and alert rules read it. */
function metricChart(title: string, yLabel: string, metric: MetricName): ChartSpec {
  return {
    title,
    yLabel,
    format: metricFormatter(metric),
    lines: [[title.toLowerCase(), metricReading(metric)]],
  };
}

const CHARTS: ChartSpec[] = [
  {
    title: 'Latency',
    yLabel: 'ms',
    format: metricFormatter('p95_latency_ms'),
    lines: [
      ['p50', metricReading('p50_latency_ms')],
      ['p95', metricReading('p95_latency_ms')],
    ],
  },
  { title: 'Requests', yLabel: 'requests', format: count, lines: [['requests', (v) => v.requests]] },
  metricChart('Error rate', 'errors', 'error_rate'),
  metricChart('Cost per request', 'USD', 'cost_per_request'),
  metricChart('Guardrail block rate', 'blocked', 'block_rate'),
  metricChart('Schema-valid rate', 'valid', 'schema_valid_rate'),
  {
    title: 'Feedback',
    yLabel: 'feedback',
    format: count,
    lines: [
      ['positive', (v: RollupValues) => v.feedbackPositive],
      ['negative', (v: RollupValues) => v.feedbackNegative],
    ],
  },
];

/** What the page shows: a prompt (and maybe one version and environment) over a window, from the URL. */
interface Choice {
  prompt: string | null;
  version: string | null;
  environment: string | null;
  window: WindowName;
}

export default function MonitoringPage() {
  const projectPath = useProjectPath();
  const [params, setParams] = useSearchParams();
  const prompts = useQuery({
    queryKey: ['prompts'],
    queryFn: () => api<PromptSummary[]>('GET', projectPath('/prompts')),
  });
  const activeReleases = useQuery({
    queryKey: ['releases', 'active'],
    queryFn: () =>
      api<ReleaseRecord[]>('GET', projectPath('/releases'), { query: { active: 'true', limit: 1000 } }),
  });
  // Unless one is chosen, the first prompt an environment serves (it has traffic to show).
  const prompt =
    params.get('prompt') ??
    activeReleases.data?.map((r) => r.prompt).sort()[0] ??
    prompts.data?.[0]?.name ??
    null;
  const windowParam = params.get('window');
  const choice: Choice = {
    prompt,
    version: params.get('version'),
    environment: params.get('environment'),
    window: isWindowName(windowParam) ? windowParam : '1h',
  };
  const choose = (name: keyof Choice, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        if (name === 'prompt') next.delete('version');
        return next;
      },
      { replace: true },
    );
  const refreshMs = WINDOWS[choice.window].refreshMs;
  return (
    <Page title="Monitoring">
      {prompts.isError && <ErrorNote error={prompts.error} />}
      <ChoiceFields
        choice={choice}
        choose={choose}
        prompts={prompts.data ?? []}
        environments={[...new Set((activeReleases.data ?? []).map((r) => r.environment))].sort()}
      />
      <Text size="sm" c="gray.7">
        Charts and drift updated {everyLabel(refreshMs)}, alerts {everyLabel(LIVE_REFRESH_MS)}.
      </Text>
      {prompt ? (
        <>
          <Charts {...choice} prompt={prompt} refreshMs={refreshMs} />
          <Drift prompt={prompt} environment={choice.environment} refreshMs={refreshMs} />
        </>
      ) : (
        !prompts.isPending && <Text>No prompt to monitor yet.</Text>
      )}
      <AlertList refreshMs={LIVE_REFRESH_MS} />
    </Page>
  );
}

/** The fields that choose what the page shows: prompt, version, environment and window. */
function ChoiceFields({
  choice,
  choose,
  prompts,
  environments,
}: {
  choice: Choice;
  choose: (name: keyof Choice, value: string | null) => void;
  prompts: PromptSummary[];
  /** The environments some release is active in. */
  environments: string[];
}) {
  const summary = prompts.find((p) => p.name === choice.prompt);
  return (
    <Group align="flex-end" wrap="wrap">
      <Select
        label="Prompt"
        searchable
        allowDeselect={false}
        data={prompts.map((p) => p.name)}
        value={choice.prompt}
        onChange={(value) => choose('prompt', value)}
      />
      <Select
        label="Version"
        placeholder="All versions"
        clearable
        data={Array.from({ length: summary?.latest?.number ?? 0 }, (_, i) => String(i + 1)).reverse()}
        value={choice.version}
        onChange={(value) => choose('version', value)}
      />
      <Select
        label="Environment"
        placeholder="All environments"
        clearable
        data={environments}
        value={choice.environment}
        onChange={(value) => choose('environment', value)}
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="window-label">
          Window
        </Text>
        <SegmentedControl
          aria-labelledby="window-label"
          data={Object.entries(WINDOWS).map(([value, w]) => ({ value, label: w.label }))}
          value={choice.window}
          onChange={(value) => choose('window', value)}
        />
      </Stack>
    </Group>
  );
}

/** The window's charts, read again every `refreshMs` (the window moves with the clock). */
function Charts({
  prompt,
  version,
  environment,
  window,
  refreshMs,
}: Choice & { prompt: string; refreshMs: number }) {
  const projectPath = useProjectPath();
  const rollups = useQuery({
    queryKey: ['rollups', 'monitor', prompt, version, environment, window],
    queryFn: async () => {
      const buckets = windowBuckets(Date.now(), window);
      const cells = await api<RollupCell[]>('GET', projectPath('/rollups'), {
        query: {
          prompt,
          version: version ?? undefined,
          environment: environment ?? undefined,
          from: new Date(buckets.from).toISOString(),
          to: new Date(buckets.to).toISOString(),
        },
      });
      return { buckets, summed: sumByBucket(cells, buckets) };
    },
    refetchInterval: refreshMs,
    placeholderData: (previous) => previous,
  });
  if (rollups.isPending) return <Loading label="Loading the charts" />;
  if (rollups.isError) return <ErrorNote error={rollups.error} title="The rollups could not be read" />;
  return <ChartGrid buckets={rollups.data.buckets} summed={rollups.data.summed} />;
}

function ChartGrid({
  buckets,
  summed,
}: {
  buckets: Buckets;
  summed: Map<string, Map<number, RollupValues>>;
}) {
  const total = [...(summed.get('all')?.values() ?? [])];
  const requests = total.reduce((n, v) => n + v.requests, 0);
  const errors = total.reduce((n, v) => n + v.errors, 0);
  const cost = total.reduce((n, v) => n + v.costUsd, 0);
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        Traffic
      </Title>
      <Text size="sm">
        {requests} requests, {errors} errors, ${cost.toFixed(4)} model cost in the window; each point sums{' '}
        {buckets.stepMs / 60_000} minute(s).
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {CHARTS.map((chart) => (
          <Chart
            key={chart.title}
            title={chart.title}
            yLabel={chart.yLabel}
            format={chart.format}
            data={chartData(
              summed,
              buckets,
              chart.lines.map(([label, read]) => ({ label, read })),
            )}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

const DRIFT_COLORS: Record<string, string> = { none: 'green', moderate: 'orange', major: 'red' };

/** The drift monitor's last report of the prompt in each environment (or the one chosen). */
function Drift({
  prompt,
  environment,
  refreshMs,
}: {
  prompt: string;
  environment: string | null;
  refreshMs: number;
}) {
  const projectPath = useProjectPath();
  const reports = useQuery({
    queryKey: ['drift', prompt, environment],
    queryFn: () =>
      api<DriftReport[]>('GET', projectPath('/drift'), {
        query: { prompt, environment: environment ?? undefined },
      }),
    refetchInterval: refreshMs,
    placeholderData: (previous) => previous,
  });
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">
        Drift
      </Title>
      <QueryState query={reports}>
        {(all) =>
          all.length === 0 ? (
            <Text>No drift report yet (the monitor checks every drift.every in promptops serve).</Text>
          ) : (
            all.map((report) => (
              <DriftPanel key={`${report.environment}:${report.version}`} report={report} />
            ))
          )
        }
      </QueryState>
    </Stack>
  );
}

function DriftPanel({ report }: { report: DriftReport }) {
  const findings: Finding[] = [...report.inputs, report.outputLength, ...report.levels, ...report.sudden];
  const title = `${report.prompt}@${report.version} in ${report.environment}`;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group gap="xs">
          <Title order={3} size="h5">
            {title}
          </Title>
          <StatusBadge
            color={DRIFT_COLORS[report.severity] ?? 'gray'}
          >{`drift: ${report.severity}`}</StatusBadge>
        </Group>
        <Text size="xs">
          Current <Time at={report.current.from} /> – <Time at={report.current.to} /> (
          {report.current.requests} requests) against reference <Time at={report.reference.from} /> –{' '}
          <Time at={report.reference.to} /> ({report.reference.requests} requests); checked{' '}
          <Time at={report.computedAt} />.
        </Text>
        <TableScroll minWidth={560}>
          <Table withTableBorder fz="sm" aria-label={`Drift checks of ${title}`}>
            <TableHead columns={['Check', 'Severity', 'Finding']} />
            <Table.Tbody>
              {findings.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Td>{f.name}</Table.Td>
                  <Table.Td>
                    <StatusBadge
                      variant="light"
                      color={f.insufficient ? 'gray' : (DRIFT_COLORS[f.severity] ?? 'gray')}
                    >
                      {f.insufficient ? 'too few samples' : f.severity}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {f.summary}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      </Stack>
    </Paper>
  );
}
