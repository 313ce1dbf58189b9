import { Alert, Center, Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api.js';

/** A page or panel still loading. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center p="xl" role="status" aria-label={label}>
      <Loader />
    </Center>
  );
}

/** An error as the API said it: the catalog code and its message (a 403 says which permission). */
export function ErrorNote({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" title={title} role="alert" styles={{ title: { color: 'var(--mantine-color-red-9)' } }}>
      <Text size="sm">{message}</Text>
      {error instanceof ApiError && (
        <Text size="xs" c="dimmed">
          {error.code}
        </Text>
      )}
    </Alert>
  );
}

/** Renders a query's data with `render`, or its loading state, or its error. */
export function QueryState<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorNote error={query.error} />;
  return <>{children(query.data)}</>;
}
