import { Anchor, Group, Pagination, Select, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ChangeRequest } from '../../../src/store/types.js';
import { api } from '../api.js';
import { type ChangeRequestState, stateOf } from '../change-requests.js';
import { ChangeRequestStateBadge, RiskBadge } from '../components/change-request-parts.js';
import { Page, useProjectPath } from '../components/page.js';
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

/** The change requests, newest first (the API answers the latest 200), filtered by state. */
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
        {(all) => {
          const shown = filter === 'approved' ? all.filter((cr) => stateOf(cr) === 'approved') : all;
          if (shown.length === 0)
            return <Text c="gray.7">No change requests{filter === 'all' ? '' : ` ${filter}`}.</Text>;
          const pages = Math.ceil(shown.length / PAGE_SIZE);
          const rows = shown.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
          return (
            <>
              <TableScroll minWidth={720}>
                <Table striped highlightOnHover>
                  <Table.Caption c="gray.7">
                    {shown.length} change request{shown.length === 1 ? '' : 's'}, newest first
                  </Table.Caption>
                  <TableHead columns={['Number', 'Title', 'Prompt', 'Status', 'Author', 'Risk', 'Created']} />
                  <Table.Tbody>
                    {rows.map((cr) => (
                      <Table.Tr key={cr.number}>
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
                    ))}
                  </Table.Tbody>
                </Table>
              </TableScroll>
              {pages > 1 && (
                <Pagination
                  total={pages}
                  value={page}
                  onChange={setPage}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
              )}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
