import { Badge, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { m } from '../../i18n';

/** The quality objectives in force (niêm yết công khai) and, once the year is evaluated, whether each was met. */
export function PublicObjectives({ agencyCode }: { agencyCode: string }) {
  const q = useQuery({
    queryKey: ['public', agencyCode, 'objectives'],
    queryFn: () => call(api.GET('/api/v1/public/agencies/{agencyCode}/objectives', { params: { path: { agencyCode } } })),
  });
  if (!q.data?.items.length) return null;
  return (
    <section aria-labelledby="public-objectives">
      <Title order={2} size="h4" id="public-objectives" mb="xs">
        {m.quality.publicObjectives} {q.data.year}
      </Title>
      <Stack gap="sm">
        {q.data.items.map((d) => (
          <Card key={d.code} withBorder padding="sm">
            <Text fw={600} size="sm">
              {d.agencyName} — {d.code}
              {d.evaluated && d.achievedCount !== null && ` (${m.quality.achievedOf(d.achievedCount, d.objectives.length)})`}
            </Text>
            <Stack gap={4} mt={4} component="ol" style={{ paddingLeft: 20, margin: 0 }}>
              {d.objectives.map((o) => (
                <Text key={o.no} size="sm" component="li">
                  {o.objective}
                  {o.target && ` — ${m.quality.target}: ${o.target}`}
                  {o.achieved !== null && (
                    <>
                      {' '}
                      <Badge size="xs" variant="light" color={o.achieved ? 'green' : 'red'} style={{ textTransform: 'none' }}>
                        {o.actual} · {o.achieved ? m.quality.achieved : m.quality.notAchieved}
                      </Badge>
                    </>
                  )}
                </Text>
              ))}
            </Stack>
          </Card>
        ))}
      </Stack>
    </section>
  );
}
