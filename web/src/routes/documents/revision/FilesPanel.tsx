import { Button, FileButton, Group, Progress, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, ApiError, call, errorMessage } from '../../../api/client';
import type { Revision } from '../../../api/types';
import { DownloadButton } from '../../../components/DownloadButton';
import { notify, notifyError } from '../../../components/notify';
import { m } from '../../../i18n';
import { uploadWithProgress, type UploadPhase } from '../../../lib/files';
import { sizeText } from '../../../lib/sizes';


/** The revision's files: download; for a draft, upload with progress (role source/attachment) and remove. */
export function FilesPanel({ revision, editable, requiresSource }: { revision: Revision; editable: boolean; requiresSource: boolean }) {
  const qc = useQueryClient();
  const [role, setRole] = useState<'source' | 'attachment'>(requiresSource && !revision.files.some((f) => f.role === 'source') ? 'source' : 'attachment');
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<UploadPhase>('sending');
  // Cleared after each attempt, so that picking the same file again uploads it again.
  const resetRef = useRef<() => void>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['revision', revision.id] });

  const upload = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const done = await uploadWithProgress(
        `/api/v1/revisions/${revision.id}/files?role=${role}`,
        file,
        (percent, now) => {
          setProgress(percent);
          setPhase(now);
        },
        { announceDigest: true },
      );
      notify(m.revision.uploaded(done.filename));
      await refresh();
    } catch (err) {
      // The bytes that arrived are not those the browser read (the announced Repr-Digest): nothing was stored.
      const changed = err instanceof ApiError && (err.problem.errors ?? []).some((e) => e.field === 'Repr-Digest');
      setError(changed ? m.revision.fileChangedInTransit : errorMessage(err));
    } finally {
      setProgress(null);
      resetRef.current?.();
    }
  };

  return (
    <Stack gap="sm">
      {revision.files.length === 0 ? (
        <Text size="sm" c="dimmed">
          {m.revision.noFiles}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480} type="native">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{m.revision.files}</Table.Th>
                <Table.Th scope="col">{m.revision.uploadRole}</Table.Th>
                <Table.Th scope="col">{m.app.actions}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {revision.files.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {f.filename} <Text span size="xs" c="dimmed">({sizeText(f.size)})</Text>
                  </Table.Td>
                  <Table.Td>{f.role === 'source' ? m.revision.roleSource : m.revision.roleAttachment}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <DownloadButton size="xs" variant="light" url={`/api/v1/revisions/${revision.id}/files/${f.id}`} filename={f.filename} aria-label={`${m.app.download} ${f.filename}`}>
                        {m.app.download}
                      </DownloadButton>
                      {editable && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`${m.revision.removeFile} ${f.filename}`}
                          onClick={async () => {
                            try {
                              await call(api.DELETE('/api/v1/revisions/{id}/files/{fileId}', { params: { path: { id: revision.id, fileId: f.id } } }));
                              await refresh();
                            } catch (err) {
                              notifyError(err);
                            }
                          }}
                        >
                          {m.revision.removeFile}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editable && (
        <Group align="flex-end" wrap="wrap">
          <SegmentedControl
            aria-label={m.revision.uploadRole}
            value={role}
            onChange={(v) => setRole(v as 'source' | 'attachment')}
            data={[
              { value: 'source', label: m.revision.roleSource },
              { value: 'attachment', label: m.revision.roleAttachment },
            ]}
          />
          <FileButton resetRef={resetRef} onChange={upload} disabled={progress !== null}>
            {(props) => (
              <Button {...props} variant="light" loading={progress !== null}>
                {m.revision.upload}
              </Button>
            )}
          </FileButton>
        </Group>
      )}
      {progress !== null && (
        <Stack gap={2} role="status" aria-live="polite">
          <Text size="sm">{phase === 'checking' ? m.revision.checkingFile(progress) : m.revision.uploading(progress)}</Text>
          <Progress value={progress} aria-label={phase === 'checking' ? m.revision.checkingFile(progress) : m.revision.uploading(progress)} />
        </Stack>
      )}
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
