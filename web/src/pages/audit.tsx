import {
  Alert,
  Button,
  Code,
  Group,
  List,
  Pagination,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { shortHash } from '../../../src/catalog/canonical-json.js';
import type { AuditEntry, AuditVerification } from '../../../src/store/types.js';
import { api } from '../api.js';
import { type AuditFilter, distinctValues, filterAudit } from '../audit/filter.js';
import { pageOf } from '../catalog/paging.js';
import { Page, useProjectPath } from '../components/page.js';
import { QueryState } from '../components/state.js';
import { READABLE, StatusBadge } from '../components/status-badge.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';
import { everyLabel } from '../refresh.js';

const PAGE_SIZE = 50;
/** How many of the newest entries are loaded and filtered here (the API's `limit`). */
const LOAD_LIMITS = ['200', '1000', '5000'];
/** How often the loaded entries are read again: up to 5,000 of them, for every open tab. */
const LOG_REFRESH_MS = 60_000;

/**
 * The audit log: whether its hash chain holds, then its newest entries, filtered and paged. The
 * chain is verified when the page opens and when asked ("Verify now"): a verification reads the
 * whole log, so it is not repeated on a timer.
 */
export default function AuditPage() {
  const verification = useVerification();
  return (
    <Page title="Audit">
      <Verification verification={verification} />
      <AuditLog brokenSeq={verification.data?.broken?.seq} />
    </Page>
  );
}

/** The chain's verification, run once each time the page opens and then only on demand. */
function useVerification() {
  const path = useProjectPath();
  return useQuery({
    queryKey: ['audit-verify', path('')],
    queryFn: () => api<AuditVerification>('GET', path('/audit/verify')),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

function Verification({ verification }: { verification: ReturnType<typeof useVerification> }) {
  return (
    <section aria-label="Chain verification">
      <Group justify="space-between" mb="xs">
        <Text size="sm" c="gray.7">
          {verification.dataUpdatedAt > 0 && (
            <>
              Verified <Time at={new Date(verification.dataUpdatedAt).toISOString()} />.
            </>
          )}
        </Text>
        <Button
          variant="default"
          size="xs"
          loading={verification.isFetching}
          onClick={() => void verification.refetch()}
        >
          Verify now
        </Button>
      </Group>
      <QueryState query={verification}>{(result) => <VerificationResult result={result} />}</QueryState>
    </section>
  );
}

function VerificationResult({ result }: { result: AuditVerification }) {
  return result.broken ? (
    <Alert color={READABLE.red} title={`Chain broken at seq ${result.broken.seq}`} role="alert">
      <Text size="sm">{result.broken.reason}</Text>
      <Text size="sm">{result.checked} entries checked.</Text>
      <Mismatches verification={result} />
    </Alert>
  ) : (
    <Alert
      color={result.mismatches.length > 0 ? READABLE.orange : READABLE.green}
      title="Chain intact"
      role="status"
    >
      <Text size="sm">
        {result.checked} entries checked
        {result.head && (
          <>
            ; the newest is seq {result.head.seq} (<Code>{shortHash(result.head.hash)}</Code>)
          </>
        )}
        .
      </Text>
      <Mismatches verification={result} />
    </Alert>
  );
}

/** Labels or releases that differ from what the log says they should be. */
function Mismatches({ verification }: { verification: AuditVerification }) {
  if (verification.mismatches.length === 0) {
    return <Text size="sm">Labels and active releases agree with the log.</Text>;
  }
  return (
    <>
      <Text size="sm" fw={600}>
        {verification.mismatches.length} differ from what the log says:
      </Text>
      <List size="sm">
        {verification.mismatches.map((m) => (
          <List.Item key={`${m.table}-${m.prompt}-${m.name}`}>
            {m.table === 'labels' ? 'label' : 'release in'} {m.name} of {m.prompt}: the log says{' '}
            <Code>{m.expected ?? 'nothing'}</Code>, the table holds <Code>{m.found ?? 'nothing'}</Code>
          </List.Item>
        ))}
      </List>
    </>
  );
}

function AuditLog({ brokenSeq }: { brokenSeq: number | undefined }) {
  const path = useProjectPath();
  const [limit, setLimit] = useState('1000');
  const [filter, setFilter] = useState<AuditFilter>({ action: '', actor: '', text: '' });
  const [page, setPage] = useState(1);
  const entries = useQuery({
    queryKey: ['audit', path(''), limit],
    queryFn: () => api<AuditEntry[]>('GET', path('/audit'), { query: { limit } }),
    refetchInterval: LOG_REFRESH_MS,
  });
  const change = (next: Partial<AuditFilter>) => {
    setFilter({ ...filter, ...next });
    setPage(1);
  };
  const all = entries.data ?? [];
  return (
    <section aria-label="Audit log">
      <SimpleGrid cols={{ base: 1, sm: 4 }} mb="sm">
        <Select
          label="Action"
          placeholder="Any action"
          data={distinctValues(all, 'action')}
          value={filter.action || null}
          onChange={(value) => change({ action: value ?? '' })}
          clearable
          searchable
        />
        <Select
          label="Actor"
          placeholder="Anyone"
          data={distinctValues(all, 'actor')}
          value={filter.actor || null}
          onChange={(value) => change({ actor: value ?? '' })}
          clearable
          searchable
        />
        <TextInput
          label="Text"
          placeholder="In target and details"
          value={filter.text}
          onChange={(e) => change({ text: e.currentTarget.value })}
        />
        <Select
          label="Newest entries loaded"
          data={LOAD_LIMITS}
          value={limit}
          onChange={(value) => value && setLimit(value)}
          allowDeselect={false}
        />
      </SimpleGrid>
      <QueryState query={entries}>
        {(list) => (
          <AuditTable
            entries={filterAudit(list, filter)}
            loaded={list.length}
            brokenSeq={brokenSeq}
            page={page}
            onPage={setPage}
          />
        )}
      </QueryState>
    </section>
  );
}

function AuditTable({
  entries,
  loaded,
  brokenSeq,
  page,
  onPage,
}: {
  entries: AuditEntry[];
  loaded: number;
  /** The entry where the chain breaks, marked in its row. */
  brokenSeq: number | undefined;
  page: number;
  onPage: (page: number) => void;
}) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) => {
    const next = new Set(open);
    if (!next.delete(seq)) next.add(seq);
    setOpen(next);
  };
  const shown = pageOf(entries, page, PAGE_SIZE);
  return (
    <>
      <TableScroll minWidth={720}>
        <Table aria-label="Audit entries" striped>
          <TableHead columns={['Seq', 'Time', 'Actor', 'Action', 'Target', 'Details']} />
          <Table.Tbody>
            {shown.items.map((entry) => (
              <AuditRow
                key={entry.seq}
                entry={entry}
                isBroken={entry.seq === brokenSeq}
                isOpen={open.has(entry.seq)}
                onToggle={() => toggle(entry.seq)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      <Group justify="space-between" mt="sm">
        <Text size="sm" c="gray.7">
          {entries.length} of the {loaded} newest entries match; the list is read again{' '}
          {everyLabel(LOG_REFRESH_MS)}.
        </Text>
        {shown.pages > 1 && (
          <Pagination total={shown.pages} value={shown.page} onChange={onPage} aria-label="Audit pages" />
        )}
      </Group>
    </>
  );
}

/** One entry's row, and under it its details when opened. */
function AuditRow({
  entry,
  isBroken,
  isOpen,
  onToggle,
}: {
  entry: AuditEntry;
  /** The chain breaks at this entry. */
  isBroken: boolean;
  isOpen: boolean;
  onToggle: () => void;
}) {
  return (
    <>
      <Table.Tr>
        <Table.Td>
          {entry.seq}
          {isBroken && (
            <StatusBadge color="red" size="sm" ml={6}>
              Chain broken here
            </StatusBadge>
          )}
        </Table.Td>
        <Table.Td>
          <Time at={entry.at} />
        </Table.Td>
        <Table.Td>{entry.actor}</Table.Td>
        <Table.Td>
          <Code>{entry.action}</Code>
        </Table.Td>
        <Table.Td style={{ wordBreak: 'break-word' }}>{entry.target}</Table.Td>
        <Table.Td>
          <Button
            size="compact-xs"
            variant="default"
            onClick={onToggle}
            aria-expanded={isOpen}
            aria-controls={`audit-details-${entry.seq}`}
          >
            {isOpen ? 'Hide' : 'Show'} details of {entry.seq}
          </Button>
        </Table.Td>
      </Table.Tr>
      {isOpen && (
        <Table.Tr id={`audit-details-${entry.seq}`}>
          <Table.Td colSpan={6}>
            <EntryDetails entry={entry} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <div>
        <Text size="xs" fw={600}>
          Before
        </Text>
        <Code block tabIndex={0}>
          {JSON.stringify(entry.before, null, 2) ?? 'null'}
        </Code>
      </div>
      <div>
        <Text size="xs" fw={600}>
          After
        </Text>
        <Code block tabIndex={0}>
          {JSON.stringify(entry.after, null, 2) ?? 'null'}
        </Code>
      </div>
      <Text size="xs" c="gray.7">
        hash <Code>{shortHash(entry.hash)}</Code>, previous <Code>{shortHash(entry.prevHash)}</Code>
      </Text>
    </SimpleGrid>
  );
}
