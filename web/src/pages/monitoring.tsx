import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function MonitoringPage() {
  return (
    <Page title="Monitoring">
      <Text>Not built yet.</Text>
    </Page>
  );
}
