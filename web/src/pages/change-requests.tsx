import { Anchor, Group, Pagination, Select, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ChangeRequest } from '../../../src/store/types.js';
import { api } from '../api.js';
import { pageOf } from '../catalog/paging.js';
import { type ChangeRequestState, listCaption, stateOf } from '../change-requests.js';
import { ChangeRequestStateBadge } from '../components/change-request-parts.js';
import { Page, useProjectPath } from '../components/page.js';
import { RiskBadge } from '../components/risk-badge.js';
import { QueryState } from '../components/state.js';
import { TableHead, TableScroll } from '../components/table-head.js';
import { Time } from '../components/time.js';

const PAGE_SIZE = 25;

const FILTERS: { value: ChangeRequestState | 'all'; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'approved', label: 'Approved (ready to release)' },
  { value: 'released', label: 'Released' },
  { value: 'closed', label: 'Closed' },
];

/** The change requests, newest first (the API answers the newest 200), filtered by state. */
export default function ChangeRequestsPage() {
  const projectPath = useProjectPath();
  const [filter, setFilter] = useState<ChangeRequestState | 'all'>('all');
  const [page, setPage] = useState(1);
  // "Approved" is an open request whose gate is ready: asked as open, narrowed here.
  const status = filter === 'all' ? undefined : filter === 'approved' ? 'open' : filter;
  const query = useQuery({
    queryKey: ['change-requests', status ?? 'all'],
    queryFn: () => api<ChangeRequest[]>('GET', projectPath('/change-requests'), { query: { status } }),
    refetchInterval: 15_000,
  });
  return (
    <Page
      title="Change requests"
      actions={
        <Select
          label="Status"
          data={FILTERS}
          value={filter}
          allowDeselect={false}
          onChange={(value) => {
            setFilter((value ?? 'all') as ChangeRequestState | 'all');
            setPage(1);
          }}
          w={240}
        />
      }
    >
      <QueryState query={query}>
        {(all) => <ChangeRequestList all={all} filter={filter} page={page} onPage={setPage} />}
      </QueryState>
    </Page>
  );
}

/** The fetched change requests narrowed to `filter`, one page of them, with how many there are. */
function ChangeRequestList({
  all,
  filter,
  page,
  onPage,
}: {
  all: ChangeRequest[];
  filter: ChangeRequestState | 'all';
  page: number;
  onPage: (page: number) => void;
}) {
  const shown = filter === 'approved' ? all.filter((cr) => stateOf(cr) === 'approved') : all;
  if (shown.length === 0)
    return <Text c="gray.7">No change requests{filter === 'all' ? '' : ` ${filter}`}.</Text>;
  const current = pageOf(shown, page, PAGE_SIZE);
  return (
    <>
      <TableScroll minWidth={720}>
        <Table striped highlightOnHover>
          <Table.Caption c="gray.7">{listCaption(shown.length, all.length)}</Table.Caption>
          <TableHead columns={['Number', 'Title', 'Prompt', 'Status', 'Author', 'Risk', 'Created']} />
          <Table.Tbody>
            {current.items.map((cr) => (
              <ChangeRequestRow key={cr.number} cr={cr} />
            ))}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {current.pages > 1 && (
        <Pagination
          total={current.pages}
          value={current.page}
          onChange={onPage}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
      )}
    </>
  );
}

function ChangeRequestRow({ cr }: { cr: ChangeRequest }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/change-requests/${cr.number}`}>
          #{cr.number}
        </Anchor>
      </Table.Td>
      <Table.Td>{cr.title}</Table.Td>
      <Table.Td>
        {cr.prompt}@{cr.version}
      </Table.Td>
      <Table.Td>
        <ChangeRequestStateBadge cr={cr} />
      </Table.Td>
      <Table.Td>{cr.author}</Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm">{cr.risk.score}</Text>
          <RiskBadge level={cr.risk.level} />
        </Group>
      </Table.Td>
      <Table.Td>
        <Time at={cr.createdAt} />
      </Table.Td>
    </Table.Tr>
  );
}
