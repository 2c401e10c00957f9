import { useState } from 'react';
import { Button } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { notifyError } from '@/lib/notify';

export interface ExportCsvButtonProps {
  /** Fetches and saves the file (e.g. `downloadCsv('/invoices', query)`). */
  onExport: () => Promise<unknown>;
  /** What is exported, for screen readers: "Export invoices as CSV". */
  what: string;
}

/** "Export CSV": busy while the file downloads; a failure is a toast. */
export function ExportCsvButton({ onExport, what }: ExportCsvButtonProps) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await onExport();
    } catch (error) {
      notifyError(error, 'Could not export');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="default"
      size="xs"
      leftSection={<IconDownload size={14} />}
      loading={busy}
      onClick={run}
      aria-label={`Export ${what} as CSV`}
    >
      Export CSV
    </Button>
  );
}
