import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function AuditPage() {
  return (
    <Page title="Audit">
      <Text>Not built yet.</Text>
    </Page>
  );
}
