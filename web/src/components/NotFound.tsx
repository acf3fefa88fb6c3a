import { AnchorLink } from './Links';
import { Center, Stack, Text, Title } from '@mantine/core';
import { m } from '../i18n';

export function NotFound() {
  return (
    <Center py="xl" component="main">
      <Stack align="center">
        <Title order={1} size="h3">
          404
        </Title>
        <Text>{m.app.notFound}</Text>
        <AnchorLink to="/">
          {m.app.backHome}
        </AnchorLink>
      </Stack>
    </Center>
  );
}
