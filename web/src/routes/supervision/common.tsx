import { Badge, Button, Select } from '@mantine/core';
import { useState } from 'react';
import { notifyError } from '../../components/notify';
import { m } from '../../i18n';
import { todayInVietnam } from '../../lib/dates';
import { fetchPdf, saveBlob } from '../../lib/files';
import { reportStatusColor } from '../../lib/overview';

export const thisYear = () => Number(todayInVietnam().slice(0, 4));

/** A report status in words and colour (missing, draft, submitted, late, returned). */
export function ReportStatusBadge({ status }: { status: string }) {
  return (
    <Badge color={reportStatusColor(status)} variant="light" radius="sm" style={{ textTransform: 'none' }}>
      {m.supervision.statuses[status] ?? status}
    </Badge>
  );
}

/** The year picker of the supervision screens (this year and the four before). */
export function YearSelect({ value, onChange }: { value: number; onChange: (y: number) => void }) {
  const years = Array.from({ length: 5 }, (_, i) => String(thisYear() - i));
  return <Select label={m.supervision.year} data={years} value={String(value)} onChange={(v) => v && onChange(Number(v))} allowDeselect={false} w={110} />;
}

/** Downloads a record PDF rendered by the queue: asks again while it answers 202 (up to a minute). */
export function PdfButton({ url, filename, label }: { url: string; filename: string; label: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="default"
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const end = Date.now() + 60_000;
          for (;;) {
            const r = await fetchPdf(url);
            if (r.status === 'ready') {
              saveBlob(await (await fetch(r.url)).blob(), filename);
              URL.revokeObjectURL(r.url);
              break;
            }
            if (Date.now() > end) throw new Error(m.reports.pdfPending);
            await new Promise((res) => setTimeout(res, r.retryAfterMs));
          }
        } catch (err) {
          notifyError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? m.reports.pdfPending : label}
    </Button>
  );
}
