import { useState } from 'react';
import {
  Alert, Button, Card, Checkbox, FileButton, Group, Stack, Text, Title,
} from '@mantine/core';
import {
  IconAlertTriangle, IconCircleCheck, IconDownload, IconUpload,
} from '@tabler/icons-react';
import { modals } from '@mantine/modals';
import { formatDateTime } from '@/lib/format';
import { notifyError, notifySuccess } from '@/lib/notify';
import { downloadBackup } from './api/download-backup';
import { restoreError, useRestoreBackup } from './api/restore-backup';

/** Ask before a restore: it fills the ledger with the file's records, all at once. */
function confirmRestore(file: File, onConfirm: () => void): void {
  modals.openConfirmModal({
    title: `Restore ${file.name}?`,
    centered: true,
    children: (
      <Text size="sm">
        Every record in the backup is stored here, with its ids. A restore goes only into an empty
        ledger (a new installation): if this one has records, nothing is changed.
      </Text>
    ),
    labels: { confirm: 'Restore backup', cancel: 'Cancel' },
    confirmProps: { color: 'orange' },
    onConfirm,
  });
}

/** Settings: download the whole ledger as one file, or restore such a file into an empty ledger. */
export function BackupSection() {
  const [secrets, setSecrets] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const restore = useRestoreBackup();

  const download = async () => {
    setDownloading(true);
    try {
      await downloadBackup(secrets);
    } catch (error) {
      notifyError(error, 'Backup not downloaded');
    } finally {
      setDownloading(false);
    }
  };

  const chosen = (file: File | null) => {
    if (!file) return;
    confirmRestore(file, () => restore.mutate(file, {
      onSuccess: () => notifySuccess(`${file.name} is restored.`, 'Backup restored'),
    }));
  };

  const restored = restore.data;
  const rows = restored ? Object.values(restored.tables).reduce((sum, n) => sum + n, 0) : 0;

  return (
    <Card component="section" aria-labelledby="backup-title" mt="lg">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="lg" id="backup-title">Backup</Title>
          <Text size="sm" c="dimmed">
            The whole ledger as one zip file: a CSV file per table (providers, services, invoices, plans,
            top-ups, consumption, exchange rates) and a manifest with checksums. Users, API tokens and the
            audit log are not in it.
          </Text>
        </div>
        <Group gap="sm" align="center">
          <Button leftSection={<IconDownload size={16} />} loading={downloading} onClick={download}>
            Download backup
          </Button>
          <Checkbox
            label="With connections and notification channels"
            description="Their secrets stay encrypted: only an installation with the same encryption key can restore them."
            checked={secrets}
            onChange={(event) => setSecrets(event.currentTarget.checked)}
          />
        </Group>
        <Group gap="sm" align="center">
          <FileButton accept=".zip,application/zip" onChange={chosen}>
            {(props) => (
              <Button
                variant="light"
                color="orange"
                leftSection={<IconUpload size={16} />}
                loading={restore.isPending}
                {...props}
              >
                Restore a backup…
              </Button>
            )}
          </FileButton>
          <Text size="sm" c="dimmed">Into an empty ledger only, checked whole before anything is stored.</Text>
        </Group>
        {restore.isError && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Nothing was restored">
            {restoreError(restore.error)}
          </Alert>
        )}
        {restored && (
          <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Backup restored">
            {`${rows} records in ${Object.keys(restored.tables).length} tables, from the backup of ${
              formatDateTime(restored.created_at)}.`}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
