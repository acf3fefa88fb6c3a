import { AnchorLink } from '../../components/Links';
import { Alert, Badge, Grid, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { sideBySide } from '../../lib/side-by-side';
import { diffRoute } from './routes';

type TextDiff = Schemas['TextDiffView'];
type Ref = Schemas['DiffRevisionRef'];

const label = (r: Ref) => `${m.documents.revision} ${r.number === null ? '—' : String(r.number).padStart(2, '0')}`;
/** A field path in words: `steps` → "Các bước thực hiện", `content.purpose` → "Mục đích". */
const fieldName = (f: string) => f.split('.').map((part) => m.diff.fieldNames[part] ?? part).filter((p) => p !== 'content').join(' › ');
const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function TextDiffTable({ diff, left, right }: { diff: TextDiff; left: string; right: string }) {
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        {fieldName(diff.field)} <Badge size="xs" color="green" variant="light">+{diff.added}</Badge> <Badge size="xs" color="red" variant="light">−{diff.removed}</Badge>
      </Text>
      <Table.ScrollContainer minWidth={600} type="native">
        <Table withColumnBorders layout="fixed" data-testid={`diff-${diff.field}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{left}</Table.Th>
              <Table.Th scope="col">{right}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {diff.hunks.flatMap((h, hi) =>
              sideBySide(h.lines).map((row, i) => (
                <Table.Tr key={`${hi}:${i}`}>
                  <Table.Td className={row.kind === 'change' && row.left !== undefined ? 'diff-del' : undefined}>
                    <pre className="diff-pane">{row.left ?? ''}</pre>
                  </Table.Td>
                  <Table.Td className={row.kind === 'change' && row.right !== undefined ? 'diff-add' : undefined}>
                    <pre className="diff-pane">{row.right ?? ''}</pre>
                  </Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** Auditors: two revisions side by side — fields, list items (steps…), legal bases, text, files. */
export function DiffPage() {
  const { revisionId } = diffRoute.useParams();
  const { voi } = diffRoute.useSearch();
  const diff = useQuery({
    queryKey: ['diff', revisionId, voi],
    queryFn: () => call(api.GET('/api/v1/revisions/{id}/diff', { params: { path: { id: revisionId }, query: { against: voi ?? '' } } })),
    enabled: !!voi,
  });
  return (
    <QueryView query={diff}>
      {(d) => {
        const left = `${m.diff.left}: ${label(d.against)}`;
        const right = `${m.diff.right}: ${label(d.revision)}`;
        return (
          <Page
            title={m.diff.title}
            actions={
              <AnchorLink to="/tai-lieu/$documentId/lich-su" params={{ documentId: d.documentId }}>
                {m.documents.history}
              </AnchorLink>
            }
          >
            <Grid>
              {[d.against, d.revision].map((r, i) => (
                <Grid.Col span={{ base: 12, sm: 6 }} key={r.id}>
                  <Paper withBorder p="sm">
                    <Text fw={700}>{i === 0 ? left : right}</Text>
                    <StatusBadge state={r.state} />
                    <Text size="sm" mt={4}>
                      {r.changeSummary ?? '—'}
                    </Text>
                  </Paper>
                </Grid.Col>
              ))}
            </Grid>
            {d.identical && <Alert color="gray">{m.diff.noChanges}</Alert>}
            {d.content.fields.length > 0 && (
              <Stack gap={4}>
                <Title order={2} size="h4">
                  {m.diff.fields}
                </Title>
                <Table.ScrollContainer minWidth={500} type="native">
                  <Table withColumnBorders layout="fixed">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col" w={180}>{m.history.detail}</Table.Th>
                        <Table.Th scope="col">{left}</Table.Th>
                        <Table.Th scope="col">{right}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {d.content.fields.map((f) => (
                        <Table.Tr key={f.field}>
                          <Table.Td>{fieldName(f.field)}</Table.Td>
                          <Table.Td className="diff-del">{show(f.old)}</Table.Td>
                          <Table.Td className="diff-add">{show(f.new)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            )}
            {d.content.lists.map((l) =>
              l.added.length + l.removed.length + l.changed.length === 0 ? null : (
                <Stack gap={4} key={l.field}>
                  <Title order={2} size="h4">
                    {fieldName(l.field)}
                  </Title>
                  <Table.ScrollContainer minWidth={500} type="native">
                    <Table withColumnBorders layout="fixed" data-testid={`list-diff-${l.field}`}>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col" w={90}>{m.diff.matchedBy[l.matchedBy] ?? l.matchedBy}</Table.Th>
                          <Table.Th scope="col">{left}</Table.Th>
                          <Table.Th scope="col">{right}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {l.removed.map((x) => (
                          <Table.Tr key={`r${x.key}`}>
                            <Table.Td>{x.key}</Table.Td>
                            <Table.Td className="diff-del">{show(x.item)}</Table.Td>
                            <Table.Td>—</Table.Td>
                          </Table.Tr>
                        ))}
                        {l.changed.map((x) =>
                          x.fields.map((f) => (
                            <Table.Tr key={`c${x.key}.${f.field}`}>
                              <Table.Td>
                                {x.key} · {fieldName(f.field)}
                              </Table.Td>
                              <Table.Td className="diff-del">{show(f.old)}</Table.Td>
                              <Table.Td className="diff-add">{show(f.new)}</Table.Td>
                            </Table.Tr>
                          )),
                        )}
                        {l.added.map((x) => (
                          <Table.Tr key={`a${x.key}`}>
                            <Table.Td>{x.key}</Table.Td>
                            <Table.Td>—</Table.Td>
                            <Table.Td className="diff-add">{show(x.item)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Stack>
              ),
            )}
            {d.content.text.length > 0 && (
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {m.diff.text}
                </Title>
                {d.content.text.map((t) => (
                  <TextDiffTable key={t.field} diff={t} left={left} right={right} />
                ))}
              </Stack>
            )}
            {d.files.added.length + d.files.removed.length + d.files.replaced.length + d.files.renamed.length > 0 && (
              <Stack gap={4}>
                <Title order={2} size="h4">
                  {m.diff.files}
                </Title>
                {d.files.removed.map((f) => (
                  <Text size="sm" key={`r${f.id}`} className="diff-del">
                    {m.diff.removed}: {f.filename}
                  </Text>
                ))}
                {d.files.added.map((f) => (
                  <Text size="sm" key={`a${f.id}`} className="diff-add">
                    {m.diff.added}: {f.filename}
                  </Text>
                ))}
                {d.files.replaced.map((f, i) => (
                  <Text size="sm" key={`p${i}`}>
                    {m.diff.changed}: {JSON.stringify(f)}
                  </Text>
                ))}
              </Stack>
            )}
          </Page>
        );
      }}
    </QueryView>
  );
}
