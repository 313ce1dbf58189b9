import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function TracePage() {
  return (
    <Page title="Trace">
      <Text>Not built yet.</Text>
    </Page>
  );
}
