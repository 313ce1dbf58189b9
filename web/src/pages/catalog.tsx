import { Text } from '@mantine/core';
import { Page } from '../components/page.js';

export default function CatalogPage() {
  return (
    <Page title="Catalog">
      <Text>Not built yet.</Text>
    </Page>
  );
}
