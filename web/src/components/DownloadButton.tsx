import { Button, type ButtonProps } from '@mantine/core';
import { notifyError } from './notify';
import { useState } from 'react';
import { downloadFile } from '../lib/files';

/** Downloads an API file with the session's token, in one click. */
export function DownloadButton({ url, filename, children, ...props }: ButtonProps & { url: string; filename: string; children: React.ReactNode }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      {...props}
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await downloadFile(url, filename);
        } catch (err) {
          notifyError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
    </Button>
  );
}
