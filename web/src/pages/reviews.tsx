import { Button, Code, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReviewRecord } from '../../../src/store/types.js';
import { api, seg } from '../api.js';
import { heldPayload, queueOrder } from '../change-requests.js';
import { LongText, StateBadge } from '../components/change-request-parts.js';
import { ConfirmModal } from '../components/confirm-modal.js';
import { Page, useProjectPath } from '../components/page.js';
import { ErrorNote, QueryState } from '../components/state.js';
import { READABLE } from '../components/status-badge.js';
import { Time } from '../components/time.js';
import { readable } from '../readable.js';
import { useSession } from '../session.js';

type Filter = 'pending' | 'approved' | 'rejected' | 'all';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'pending', label: 'Pending' },
  { value: 'all', label: 'All' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
];

/** The human review queue: held requests, pending first, refreshed every 5 seconds. */
export default function ReviewsPage() {
  const projectPath = useProjectPath();
  const [filter, setFilter] = useState<Filter>('pending');
  const query = useQuery({
    queryKey: ['reviews', filter],
    queryFn: () =>
      api<ReviewRecord[]>('GET', projectPath('/reviews'), {
        query: { status: filter === 'all' ? undefined : filter, limit: 100 },
      }),
    refetchInterval: 5_000,
  });
  return (
    <Page
      title="Review queue"
      actions={
        <Select
          label="Show"
          data={FILTERS}
          value={filter}
          allowDeselect={false}
          onChange={(value) => setFilter((value ?? 'pending') as Filter)}
          w={180}
        />
      }
    >
      <QueryState query={query}>
        {(reviews) =>
          reviews.length === 0 ? (
            <Text c="gray.7">
              {filter === 'pending' ? 'Nothing is waiting for review.' : 'No held requests.'}
            </Text>
          ) : (
            <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {queueOrder(reviews).map((review) => (
                <li key={review.id}>
                  <HeldRequest review={review} />
                </li>
              ))}
            </Stack>
          )
        }
      </QueryState>
    </Page>
  );
}

function HeldRequest({ review }: { review: ReviewRecord }) {
  const held = heldPayload(review.payload);
  const heading = `${review.prompt}@${review.versionNumber}: ${review.stage} held by ${review.guardrail}`;
  return (
    <Paper component="article" withBorder p="md" aria-label={heading}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h5">
            {heading}
          </Title>
          <StateBadge status={review.status} />
        </Group>
        <Text size="sm" c="gray.7">
          Held <Time at={review.createdAt} />
          {held.environment ? ` in ${held.environment}` : ''}; review {review.id}, trace {review.traceId}
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Held label="Input" value={held.input} />
          {review.stage === 'output' && <Held label="Held output" value={held.output} />}
        </SimpleGrid>
        {review.status === 'pending' ? (
          <Decide review={review} />
        ) : (
          <Text size="sm">
            {review.status === 'approved' ? 'Approved' : 'Rejected'} by {review.decidedBy ?? 'someone'}{' '}
            <Time at={review.decidedAt} />
            {review.note ? `: ${review.note}` : ''}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Held({ label, value }: { label: string; value: unknown }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Code
        block
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 320, overflow: 'auto' }}
      >
        {readable(value)}
      </Code>
    </Stack>
  );
}

/** Approve at once; reject after a confirmation, with an optional note. */
function Decide({ review }: { review: ReviewRecord }) {
  const { can } = useSession();
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (body: { decision: 'approved' | 'rejected'; note?: string }) =>
      api<ReviewRecord>('POST', projectPath(`/reviews/${seg(review.id)}/decision`), { body }),
    onSuccess: async () => {
      setConfirming(false);
      await client.invalidateQueries({ queryKey: ['reviews'] });
    },
  });
  if (!can('review.decide')) return null;
  const reject = () => decide.mutate({ decision: 'rejected', ...(note.trim() ? { note: note.trim() } : {}) });
  return (
    <Stack gap="xs">
      <Group>
        <Button
          color={READABLE.green}
          onClick={() => decide.mutate({ decision: 'approved' })}
          loading={decide.isPending}
        >
          Approve
        </Button>
        <Button color={READABLE.red} onClick={() => setConfirming(true)} disabled={decide.isPending}>
          Reject
        </Button>
      </Group>
      {decide.isError && !confirming && (
        <ErrorNote error={decide.error} title="The decision was not recorded" />
      )}
      {confirming && (
        <ConfirmModal
          title="Reject this held request?"
          action="Reject"
          color={READABLE.red}
          busy={decide.isPending}
          error={decide.isError ? decide.error : null}
          onSubmit={reject}
          onClose={() => setConfirming(false)}
        >
          <Text size="sm">The caller gets a refusal instead of the held answer. This cannot be undone.</Text>
          <LongText label="Note (optional)" value={note} onChange={setNote} />
        </ConfirmModal>
      )}
    </Stack>
  );
}
