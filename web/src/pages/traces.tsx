import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function TracesPage() {
  return (
    <Page title="Traces">
      <Text>Not built yet.</Text>
    </Page>
  );
}
