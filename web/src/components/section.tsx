import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A page's section: a region named by its h2 title. `framed` draws it as a bordered panel (a change
 * request's parts); unframed it is a plain block (a trace's input, output, feedback).
 */
export function Section({
  title,
  framed = false,
  children,
}: {
  title: string;
  framed?: boolean;
  children: ReactNode;
}) {
  const heading = (
    <Title order={2} size="h4">
      {title}
    </Title>
  );
  if (!framed) {
    return (
      <Stack gap="xs" component="section" aria-label={title}>
        {heading}
        {children}
      </Stack>
    );
  }
  return (
    <Paper component="section" withBorder p="md" aria-label={title}>
      <Stack gap="sm">
        {heading}
        {children}
      </Stack>
    </Paper>
  );
}
