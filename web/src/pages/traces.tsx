import { Button, Group, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Trace } from '../../../src/observe/trace.js';
import { api } from '../api.js';
import { Page, useProjectPath } from '../components/page.js';
import { ErrorNote, Loading } from '../components/state.js';
import { TraceRows } from '../components/trace-rows.js';
import {
  ARMS,
  cutPage,
  filtersFromQuery,
  filtersToQuery,
  MAX_TRACES,
  nextLimit,
  STATUSES,
  type TraceFilters,
  type TracePage,
  toRow,
} from '../trace-list.js';

/** /traces: the newest traces (up to 10,000) that match the filters the URL's query keeps. */
export default function TracesPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromQuery(params), [params]);
  const traces = useTraceRows(filters);
  const client = useQueryClient();
  return (
    <Page
      title="Traces"
      actions={
        <Button variant="default" onClick={() => void client.resetQueries({ queryKey: ['traces'] })}>
          Refresh
        </Button>
      }
    >
      <Filters
        key={params.toString()}
        initial={filters}
        onApply={(next) => setParams(filtersToQuery(next))}
      />
      {traces.isPending ? (
        <Loading label="Loading traces" />
      ) : (
        <>
          <Text size="sm" aria-live="polite">
            {countLine(traces.rows.length, traces.isLoadingMore, traces.isCapped)}
          </Text>
          {traces.error && <ErrorNote error={traces.error} title="Traces could not be loaded" />}
          {traces.rows.length > 0 && (
            <TraceRows rows={traces.rows} height="max(420px, calc(100vh - 330px))" />
          )}
        </>
      )}
    </Page>
  );
}

function countLine(count: number, isLoadingMore: boolean, isCapped: boolean): string {
  const shown = `${count.toLocaleString()} ${count === 1 ? 'trace' : 'traces'}`;
  if (isLoadingMore) return `${shown} so far, loading older ones…`;
  if (isCapped)
    return `${shown}: the newest ${MAX_TRACES.toLocaleString()}. Narrow the filters to see older ones.`;
  return count === 0 ? 'No traces match these filters.' : `${shown}.`;
}

/**
 * The rows for `filters`, newest first, fetched a page at a time backwards in time until the list
 * holds MAX_TRACES or nothing older is left. Each page keeps only the rows' few fields.
 */
function useTraceRows(filters: TraceFilters) {
  const path = useProjectPath()('/traces');
  const query = useInfiniteQuery({
    queryKey: ['traces', path, filters],
    initialPageParam: { until: filters.until || undefined, limit: nextLimit(0) },
    queryFn: async ({ pageParam }): Promise<TracePage> => {
      const traces = await api<Trace[]>('GET', path, { query: { ...filters, ...pageParam } });
      return cutPage(traces.map(toRow), pageParam.limit);
    },
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.rows.length, 0);
      const limit = nextLimit(loaded);
      return last.nextUntil === null || limit === 0 ? undefined : { until: last.nextUntil, limit };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const rows = useMemo(
    () => (query.data?.pages ?? []).flatMap((page) => page.rows).slice(0, MAX_TRACES),
    [query.data],
  );
  const lastPage = query.data?.pages.at(-1);
  return {
    rows,
    isPending: query.isPending,
    isLoadingMore: hasNextPage && !isError,
    isCapped: !hasNextPage && lastPage !== undefined && lastPage.nextUntil !== null,
    error: query.error,
  };
}

/** The filter form; applying it writes the filters into the URL, which the list reads. */
function Filters({ initial, onApply }: { initial: TraceFilters; onApply: (filters: TraceFilters) => void }) {
  const [draft, setDraft] = useState(initial);
  const set = (key: keyof TraceFilters) => (value: string | null) =>
    setDraft((d) => ({ ...d, [key]: value ?? '' }));
  const text = (key: keyof TraceFilters) => ({
    value: draft[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(key)(e.currentTarget.value),
  });
  const choice = (key: keyof TraceFilters, data: readonly string[]) => ({
    placeholder: 'Any',
    clearable: true,
    data: [...data],
    value: draft[key] || null,
    onChange: set(key),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form onSubmit={submit} aria-label="Filter traces">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <TextInput label="Prompt" {...text('prompt')} />
        <TextInput label="Version" inputMode="numeric" pattern="[1-9][0-9]{0,8}" {...text('version')} />
        <Select label="Status" {...choice('status', STATUSES)} />
        <TextInput label="Environment" {...text('environment')} />
        <Select label="Arm" {...choice('arm', ARMS)} />
        <TimeInput label="Since" value={draft.since} onChange={set('since')} />
        <TimeInput label="Until" value={draft.until} onChange={set('until')} />
        <Group align="flex-end" gap="xs">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={() => onApply(filtersFromQuery(new URLSearchParams()))}>
            Clear
          </Button>
        </Group>
      </SimpleGrid>
    </form>
  );
}

/** A local date and time field whose value is an ISO 8601 instant (empty: not set). */
function TimeInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (iso: string) => void;
}) {
  return (
    <TextInput
      label={label}
      type="datetime-local"
      step={1}
      value={value ? toLocalInput(value) : ''}
      onChange={(e) => {
        const text = e.currentTarget.value;
        onChange(text ? new Date(text).toISOString() : '');
      }}
    />
  );
}

/** `2026-12-07T10:00:00.000Z` as a datetime-local field's value in this browser's time zone. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}
