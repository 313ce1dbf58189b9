/**
 * A time-series chart on uPlot: several named lines, a legend, labelled axes, and what a screen
 * reader needs since a canvas shows it nothing: a one-sentence summary as the figure's label and a
 * "Show data" table of every point. uPlot and its CSS are imported here, so they load with the
 * pages that draw charts, not with the first page.
 */
import 'uplot/dist/uPlot.min.css';
import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { type ChartData, describeChart, isolatedPoints } from '../rollup-series.js';
import { TableScroll } from './table-head.js';

/** Line colours (dark enough on white for WCAG's 3:1 for graphics), each line also dashed its own way. */
const STROKES = ['#3b5bdb', '#c92a2a', '#2b8a3e', '#e67700', '#862e9c', '#0b7285'];
const DASHES: (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 2]];

export interface ChartProps {
  /** The chart's heading (an h3 unless `headingOrder` says otherwise) and the start of its summary. */
  title: string;
  data: ChartData;
  /** The y axis's label, with its unit: "Latency (ms)". */
  yLabel: string;
  /** How a value reads in the legend, the axis, the summary and the table. */
  format?: (value: number | null) => string;
  height?: number;
  headingOrder?: 2 | 3 | 4;
}

const plain = (value: number | null) => (value === null ? '—' : String(value));

/** A time-series chart with its legend, axis labels, text summary and data table. */
export function Chart({ title, data, yLabel, format = plain, height = 220, headingOrder = 3 }: ChartProps) {
  const summary = useMemo(() => describeChart(title, data, format), [title, data, format]);
  const [showData, setShowData] = useState(false);
  const tableId = useId();
  return (
    <Stack gap={4} miw={0}>
      <Group justify="space-between" wrap="nowrap">
        <Title order={headingOrder} size="h5">
          {title}
        </Title>
        <Button
          variant="subtle"
          size="compact-xs"
          aria-expanded={showData}
          aria-controls={tableId}
          onClick={() => setShowData((shown) => !shown)}
        >
          {showData ? 'Hide data' : 'Show data'}
        </Button>
      </Group>
      <div role="img" aria-label={summary}>
        <Plot data={data} yLabel={yLabel} format={format} height={height} />
      </div>
      <div id={tableId}>{showData && <DataTable title={title} data={data} format={format} />}</div>
    </Stack>
  );
}

/** The uPlot canvas, sized to its container and redrawn when the data change. */
function Plot({
  data,
  yLabel,
  format,
  height,
}: {
  data: ChartData;
  yLabel: string;
  format: (value: number | null) => string;
  height: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = data.series.map((s) => s.label).join('\u0000');

  // A new plot when the lines (or their axis) change; only new data otherwise (the live refresh).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `labels` stands for data.series' names; data itself is set below
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      series: [
        { label: 'Time' },
        ...data.series.map((line, i) => ({
          label: line.label,
          stroke: STROKES[i % STROKES.length],
          dash: DASHES[i % DASHES.length],
          width: 2,
          spanGaps: false,
          // A value between two gaps has no segment to draw: a point shows it.
          points: { show: true, size: 6, filter: () => isolatedPoints(line.values) },
          value: (_: uPlot, v: number | null) => format(v),
        })),
      ],
      axes: [
        { label: 'Time (local)', labelSize: 20 },
        { label: yLabel, labelSize: 20, size: 76, values: (_, ticks) => ticks.map((t) => format(t)) },
      ],
      scales: { x: { time: true } },
      cursor: { drag: { x: false, y: false } },
    };
    const created = new uPlot(options, toAligned(data), element);
    plot.current = created;
    const resize = new ResizeObserver(() => {
      created.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [labels, yLabel, height, format]);

  useEffect(() => {
    plot.current?.setData(toAligned(data));
  }, [data]);

  return <div ref={holder} />;
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData;
}

/** Every point as text: the chart for whoever cannot see it (and anyone who wants the numbers). */
function DataTable({
  title,
  data,
  format,
}: {
  title: string;
  data: ChartData;
  format: (value: number | null) => string;
}) {
  if (data.x.length === 0) return <Text size="sm">No data.</Text>;
  return (
    <TableScroll minWidth={360}>
      <Table striped withTableBorder fz="xs" captionSide="top">
        <Table.Caption>{title}: every point</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time</Table.Th>
            {data.series.map((s) => (
              <Table.Th key={s.label} scope="col">
                {s.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.x.map((x, row) => (
            <Table.Tr key={x}>
              <Table.Th scope="row" fw="normal">
                {new Date(x * 1000).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
              </Table.Th>
              {data.series.map((s) => (
                <Table.Td key={s.label}>{format(s.values[row] ?? null)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
