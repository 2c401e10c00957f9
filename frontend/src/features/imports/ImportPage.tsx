import { useEffect, useState } from 'react';
import {
  Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Table, Text, Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/PageHeader';
import { errorMessage, notifyError, notifySuccess } from '@/lib/notify';
import { downloadTemplate } from './api/get-template';
import { DropZone, UploadProgress } from './DropZone';
import { FocusImport } from './FocusImport';
import {
  IMPORT_KINDS, type ImportKind, type ImportResult, importCsv,
} from './api/import-csv';

/** Rows of the errors table shown at once (the count says how many there are). */
export const SHOWN_ERRORS = 500;

type Step = 'idle' | 'checking' | 'checked' | 'committing' | 'done';

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function ErrorsTable({ result }: { result: ImportResult }) {
  const shown = result.errors.slice(0, SHOWN_ERRORS);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={480} type="native" mah={420}>
        <Table striped aria-label="Rows with errors" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>Column</Table.Th>
              <Table.Th>Problem</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((error, index) => (
              // Several errors may name one row and column: the position keeps keys apart.
              // eslint-disable-next-line react/no-array-index-key
              <Table.Tr key={`${error.row}-${error.field}-${index}`}>
                <Table.Td>{error.row === 0 ? 'header' : error.row}</Table.Td>
                <Table.Td>{error.field ?? '(whole row)'}</Table.Td>
                <Table.Td>{error.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {result.errors.length > shown.length && (
        <Text size="sm" c="dimmed">{`The first ${shown.length} of ${result.errors.length} errors are shown.`}</Text>
      )}
    </Stack>
  );
}

interface CsvImportProps {
  kind: ImportKind;
  /** Told when an upload starts and ends (the record type cannot change meanwhile). */
  onBusy: (busy: boolean) => void;
}

/** Drop a CSV file of one record type, see the dry run, then commit. */
function CsvImport({ kind, onBusy }: CsvImportProps) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>('idle');
  const [progress, setProgress] = useState(0);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const busy = step === 'checking' || step === 'committing';
  useEffect(() => onBusy(busy), [busy, onBusy]);

  const upload = async (chosen: File, dryRun: boolean) => {
    setStep(dryRun ? 'checking' : 'committing');
    setProgress(0);
    setFailure(null);
    try {
      const answer = await importCsv({
        kind, file: chosen, dryRun, onProgress: setProgress,
      });
      setResult(answer);
      if (!dryRun && answer.committed) {
        setStep('done');
        notifySuccess(`${answer.rows} row(s) imported.`, 'Imported');
        await queryClient.invalidateQueries();
      } else {
        setStep('checked');
      }
    } catch (error) {
      setResult(null);
      setFailure(errorMessage(error));
      setStep('idle');
      if (!dryRun) notifyError(error, 'Could not import');
    }
  };

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setResult(null);
    setFailure(null);
    setStep('idle');
    if (chosen) upload(chosen, true);
  };

  const canCommit = step === 'checked' && result !== null && result.errors.length === 0 && result.rows > 0;

  return (
    <>
      <Card component="section" aria-labelledby="import-file-title">
        <Stack gap="sm">
          <Title order={2} fz="lg" id="import-file-title">2. The file</Title>
          <DropZone prompt="Drop a CSV file here" file={file} accept=".csv,text/csv" disabled={busy} onChoose={choose} />
          {busy && (
            <UploadProgress
              progress={progress}
              working={`${step === 'checking' ? 'Checking' : 'Importing'} the rows…`}
            />
          )}
          {failure && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The file could not be read">{failure}</Alert>
          )}
        </Stack>
      </Card>

      {result && (
        <Card component="section" aria-labelledby="import-result-title">
          <Stack gap="sm">
            <Title order={2} fz="lg" id="import-result-title">
              {step === 'done' ? 'Imported' : '3. The check'}
            </Title>
            <Group gap="sm">
              <Badge size="lg" variant="light" color="gray">{count(result.rows, 'row')}</Badge>
              <Badge size="lg" variant="light" color="teal">{`${result.valid} valid`}</Badge>
              <Badge size="lg" variant="light" color={result.errors.length ? 'red' : 'gray'}>
                {count(result.errors.length, 'error')}
              </Badge>
            </Group>
            {result.detail && <Alert color="red" title="Nothing was imported">{result.detail}</Alert>}
            {step === 'done' && (
              <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Done">
                {`Every row of ${file?.name ?? 'the file'} is stored.`}
              </Alert>
            )}
            {result.errors.length > 0 && (
              <>
                <Text size="sm">Fix these rows and choose the file again; nothing is stored while any row is wrong.</Text>
                <ErrorsTable result={result} />
              </>
            )}
            {step !== 'done' && (
              <Group>
                <Button
                  onClick={() => file && upload(file, false)}
                  disabled={!canCommit}
                  loading={step === 'committing'}
                >
                  {`Import ${result.rows} row(s)`}
                </Button>
                {result.rows === 0 && result.errors.length === 0 && <Text size="sm" c="dimmed">The file has no rows.</Text>}
              </Group>
            )}
          </Stack>
        </Card>
      )}
    </>
  );
}

type Source = ImportKind | 'focus';

const SOURCES: { value: Source; label: string }[] = [
  ...IMPORT_KINDS,
  { value: 'focus', label: 'FOCUS billing export' },
];

/** Choose a record type (or a FOCUS billing export), drop a file, see the dry run, then commit. */
export function ImportPage() {
  const [source, setSource] = useState<Source>('invoices');
  const [busy, setBusy] = useState(false);
  // Five labels do not fit side by side on a phone: stacked there.
  const narrow = useMediaQuery('(max-width: 62em)') ?? false;
  const label = SOURCES.find((option) => option.value === source)?.label ?? source;

  return (
    <Stack gap="md">
      <PageHeader
        title="Import"
        description="Add many records at once from a CSV file, or a cloud bill from a FOCUS export: check it first, then import it."
      />
      <Card component="section" aria-labelledby="import-kind-title">
        <Stack gap="sm">
          <Title order={2} fz="lg" id="import-kind-title">1. What the file holds</Title>
          <Group justify="space-between" gap="sm">
            <SegmentedControl
              aria-label="Record type"
              data={SOURCES}
              orientation={narrow ? 'vertical' : 'horizontal'}
              fullWidth={narrow}
              value={source}
              onChange={(value) => setSource(value as Source)}
              disabled={busy}
            />
            {source !== 'focus' && (
              <Button
                variant="default"
                leftSection={<IconDownload size={16} />}
                onClick={() => downloadTemplate(source).catch((error) => notifyError(error, 'Could not download'))}
              >
                {`Download the ${label.toLowerCase()} template`}
              </Button>
            )}
          </Group>
          {source === 'focus' ? (
            <Text size="sm" c="dimmed">
              A FOCUS 1.0 to 1.3 billing export (AWS, Azure, Google Cloud, Oracle…) as CSV, CSV.gz or Parquet, of
              any size. Its cost is summed per service and billing month, over every charge (usage, purchases, tax,
              credits), and each sum becomes the month&apos;s invoice of that service. Importing the same file again
              changes nothing; a corrected file replaces those months.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              The template names the columns (in any order; an empty cell is a value not given) and shows an
              example row. Rows are checked exactly as the forms check them; the first row after the header is row 1.
            </Text>
          )}
        </Stack>
      </Card>
      {source === 'focus'
        ? <FocusImport onBusy={setBusy} />
        : <CsvImport key={source} kind={source} onBusy={setBusy} />}
    </Stack>
  );
}
