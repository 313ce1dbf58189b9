import { Alert, Anchor, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import type { Approval } from '../../../src/governance/policy.js';
import type { ChangeRequest, ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { environmentChoices, releaseBody, reviewOffer } from '../change-requests.js';
import { useSession } from '../session.js';
import { LongText } from './change-request-parts.js';
import { useProjectPath } from './page.js';
import { ErrorNote } from './state.js';
import { READABLE_DESCRIPTION } from './status-badge.js';

/** After a change: the request and the list show what the server now holds. */
export function invalidateChangeRequest(client: QueryClient, number: number) {
  return Promise.all([
    client.invalidateQueries({ queryKey: ['change-request', number] }),
    client.invalidateQueries({ queryKey: ['change-requests'] }),
  ]);
}

/**
 * Approve, request changes or comment. Authors of the change are offered only a comment (no
 * self-approval); the server still decides, and its refusal is shown.
 */
export function ReviewForm({ cr }: { cr: ChangeRequest }) {
  const { session, can } = useSession();
  const offer = reviewOffer(cr, session.subject, can('cr.review'));
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const review = useMutation({
    mutationFn: (decision: Approval['decision']) =>
      api<ChangeRequest>('POST', projectPath(`/change-requests/${cr.number}/reviews`), {
        body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      }),
    onSuccess: async () => {
      setComment('');
      await invalidateChangeRequest(client, cr.number);
    },
  });
  if (!offer.comment) return null;
  return (
    <Paper component="section" withBorder p="md" aria-label="Review">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Review
        </Title>
        {!offer.decide && (
          <Text size="sm" c="gray.7">
            You authored this change: you may comment, but not approve it or request changes.
          </Text>
        )}
        <LongText
          label="Comment"
          description={offer.decide ? 'Required when requesting changes' : undefined}
          value={comment}
          onChange={setComment}
        />
        <Group>
          {offer.decide && (
            <Button color="#1f6b30" onClick={() => review.mutate('approve')} loading={review.isPending}>
              Approve
            </Button>
          )}
          {offer.decide && (
            <Button
              variant="default"
              onClick={() => review.mutate('request_changes')}
              loading={review.isPending}
            >
              Request changes
            </Button>
          )}
          <Button
            variant="default"
            onClick={() => review.mutate('comment')}
            disabled={comment.trim() === ''}
            loading={review.isPending}
          >
            Comment
          </Button>
        </Group>
        {review.isError && <ErrorNote error={review.error} title="The review was not recorded" />}
      </Stack>
    </Paper>
  );
}

/** Releases an approved change request to an environment, fully or as a canary. */
export function ReleaseForm({ cr }: { cr: ChangeRequest }) {
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const configured = useQuery({
    queryKey: ['environments'],
    queryFn: () => api<string[]>('GET', projectPath('/environments')),
    staleTime: Number.POSITIVE_INFINITY,
  });
  // A server where any name is an environment configures none: offer those already released to.
  const releases = useQuery({
    queryKey: ['releases', 'environments'],
    queryFn: () => api<ReleaseRecord[]>('GET', projectPath('/releases'), { query: { limit: 500 } }),
    enabled: configured.data?.length === 0,
  });
  const environments = environmentChoices(
    configured.data ?? [],
    releases.data?.map((r) => r.environment) ?? [],
    cr.baseLabel,
  );
  const [environment, setEnvironment] = useState<string | null>(null);
  const [canaryWeight, setCanaryWeight] = useState('');
  const [justification, setJustification] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const release = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<ReleaseRecord>('POST', projectPath('/releases'), { body }),
    onSuccess: async () => {
      await Promise.all([
        invalidateChangeRequest(client, cr.number),
        client.invalidateQueries({ queryKey: ['releases'] }),
      ]);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const made = releaseBody(cr.number, { environment: environment ?? '', canaryWeight, justification });
    setInvalid(made.ok ? null : made.message);
    if (made.ok) release.mutate(made.body);
  };
  return (
    <Paper component="section" withBorder p="md" aria-label="Release">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            Release
          </Title>
          <Select
            label="Environment"
            data={environments}
            value={environment}
            onChange={setEnvironment}
            required
            placeholder="Choose an environment"
          />
          <TextInput
            label="Canary weight (%)"
            description="Percent of traffic for a canary, 1 to 99; empty for a full release"
            styles={READABLE_DESCRIPTION}
            type="number"
            inputMode="numeric"
            value={canaryWeight}
            onChange={(e) => setCanaryWeight(e.currentTarget.value)}
          />
          <LongText
            label="Justification"
            description="Needed only when the policy asks (forcing a release across a breaking contract; admins only)"
            value={justification}
            onChange={setJustification}
          />
          <Group>
            <Button type="submit" loading={release.isPending}>
              Release
            </Button>
          </Group>
          {invalid && (
            <Alert color="red" role="alert">
              {invalid}
            </Alert>
          )}
          {release.isError && <ErrorNote error={release.error} title="The release was refused" />}
          {release.isSuccess && release.data && <Released record={release.data} />}
        </Stack>
      </form>
    </Paper>
  );
}

function Released({ record }: { record: ReleaseRecord }) {
  return (
    <Alert
      color="teal"
      role="status"
      title={
        <Text fw={700} c="gray.9">
          Released
        </Text>
      }
    >
      <Text size="sm">
        Release {record.id}: {record.prompt}@{record.canary ? record.canary.version : record.version} in{' '}
        {record.environment}
        {record.canary ? ` as a canary at ${record.canary.weight}%` : ''}.{' '}
        <Anchor component={Link} to="/releases" c="indigo.9">
          See releases
        </Anchor>
      </Text>
    </Alert>
  );
}
