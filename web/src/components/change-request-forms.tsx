import { Alert, Anchor, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import type { Approval } from '../../../src/governance/policy.js';
import type { ChangeRequest, ReleaseRecord } from '../../../src/store/types.js';
import { api } from '../api.js';
import { environmentChoices, reviewOffer } from '../change-requests.js';
import { type ForceChoice, NO_FORCE, offersForce, releaseBody } from '../release-requests.js';
import { useSession } from '../session.js';
import { LongText } from './change-request-parts.js';
import { ForceOption } from './force-option.js';
import { useProjectPath } from './page.js';
import { Section } from './section.js';
import { ErrorNote } from './state.js';
import { READABLE, READABLE_DESCRIPTION } from './status-badge.js';

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
    <Section framed title="Review">
      {!offer.decide && (
        <Text size="sm" c="gray.7">
          You authored this change: you may comment, but not approve it or request changes.
        </Text>
      )}
      <LongText
        label="Comment"
        description={
          offer.decide
            ? 'Optional to approve; required to request changes or to comment'
            : 'Required to comment'
        }
        value={comment}
        onChange={setComment}
      />
      <Group>
        {offer.decide && (
          <Button color={READABLE.green} onClick={() => review.mutate('approve')} loading={review.isPending}>
            Approve
          </Button>
        )}
        {offer.decide && (
          <Button
            variant="default"
            onClick={() => review.mutate('request_changes')}
            disabled={comment.trim() === ''}
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
    </Section>
  );
}

/**
 * The environments a change may be released to: the server's configured ones, or (where any name
 * is one) those already released to. A failed read is returned, to be shown, never an empty list alone.
 */
function useEnvironmentChoices(cr: ChangeRequest): { environments: string[]; error: unknown } {
  const projectPath = useProjectPath();
  const configured = useQuery({
    queryKey: ['environments'],
    queryFn: () => api<string[]>('GET', projectPath('/environments')),
    staleTime: Number.POSITIVE_INFINITY,
  });
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
  return { environments, error: configured.error ?? releases.error };
}

/**
 * Releases an approved change request to an environment, fully or as a canary, with optional
 * notes. Forcing past the policy is offered only to an admin, once the server refused with a code
 * a force overrides.
 */
export function ReleaseForm({ cr }: { cr: ChangeRequest }) {
  const projectPath = useProjectPath();
  const client = useQueryClient();
  const { can } = useSession();
  const choices = useEnvironmentChoices(cr);
  const [environment, setEnvironment] = useState<string | null>(null);
  const [canaryWeight, setCanaryWeight] = useState('');
  const [notes, setNotes] = useState('');
  const [force, setForce] = useState<ForceChoice>(NO_FORCE);
  const [forceOffered, setForceOffered] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const release = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<ReleaseRecord>('POST', projectPath('/releases'), { body }),
    onError: (error) => {
      if (offersForce('release', error, can('policy.override'))) setForceOffered(true);
    },
    onSuccess: async () => {
      setForce(NO_FORCE);
      setForceOffered(false);
      await Promise.all([
        invalidateChangeRequest(client, cr.number),
        client.invalidateQueries({ queryKey: ['releases'] }),
      ]);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const made = releaseBody(cr.number, { environment: environment ?? '', canaryWeight, notes, ...force });
    setInvalid(made.ok ? null : made.message);
    if (made.ok) release.mutate(made.value);
  };
  return (
    <Section framed title="Release">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Select
            label="Environment"
            data={choices.environments}
            value={environment}
            onChange={setEnvironment}
            required
            placeholder="Choose an environment"
          />
          {choices.error ? (
            <ErrorNote error={choices.error} title="The environments could not be read" />
          ) : null}
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
            label="Notes"
            description="Optional: kept with the release and in the audit log"
            value={notes}
            onChange={setNotes}
          />
          {forceOffered && <ForceOption value={force} onChange={setForce} />}
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
    </Section>
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
