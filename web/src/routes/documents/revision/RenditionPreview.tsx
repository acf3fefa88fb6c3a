import { Alert, Anchor, Group, Loader, Progress, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../api/client';
import type { Revision } from '../../../api/types';
import { m } from '../../../i18n';
import { fetchPdf } from '../../../lib/files';

/**
 * The controlled-copy PDF shown in the page. While the queue renders it the API answers 202 with
 * Retry-After: the preview waits and asks again, showing that it is being made.
 */
export function RenditionPreview({ revision }: { revision: Revision }) {
  const href = revision.rendition.href;
  const key = `${href}:${revision.digest}:${revision.state}`;
  const [state, setState] = useState<{ key: string; url?: string; error?: unknown; waited: number }>({ key, waited: 0 });
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let url: string | undefined;
    let waited = 0;
    const attempt = async () => {
      try {
        const r = await fetchPdf(href);
        if (cancelled) return;
        if (r.status === 'ready') {
          url = r.url;
          setState({ key, url, waited });
        } else {
          waited += 1;
          setState({ key, waited });
          timer = setTimeout(attempt, r.retryAfterMs);
        }
      } catch (error) {
        if (!cancelled) setState({ key, error, waited });
      }
    };
    setState({ key, waited: 0 });
    void attempt();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      if (url) URL.revokeObjectURL(url);
    };
  }, [key, href]);

  if (state.error) return <Alert color="red">{m.revision.renditionFailed(errorMessage(state.error))}</Alert>;
  if (!state.url)
    return (
      <Stack gap="xs" role="status" aria-live="polite" data-testid="rendition-pending">
        <Group gap="xs">
          <Loader size="xs" aria-hidden />
          <Text size="sm">{m.revision.renditionPending}</Text>
        </Group>
        <Progress value={Math.min(90, 10 + state.waited * 15)} animated aria-label={m.revision.renditionPending} />
      </Stack>
    );
  return (
    <Stack gap="xs">
      <iframe src={state.url} title={m.revision.preview} style={{ width: '100%', height: '70vh', minHeight: 360, border: '1px solid var(--mantine-color-gray-4)' }} data-testid="rendition-frame" />
      <Anchor href={state.url} target="_blank" rel="noopener" size="sm">
        {m.revision.renditionOpen}
      </Anchor>
    </Stack>
  );
}
