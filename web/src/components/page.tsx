import { Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { projectPath } from '../api.js';
import { useSession } from '../session.js';

/** A page: its heading (the document's h1) with actions beside it, then its content. */
export function Page({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}

/** The path of an operation on the signed-in project: `useProjectPath()('/prompts')`. */
export function useProjectPath(): (rest: string) => string {
  const { session } = useSession();
  return (rest) => projectPath(session.project, rest);
}
