import { useEffect, useState } from 'react';
import {
  Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Table, Text, Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import type { FocusGroup } from '@/api/types';
import { MoneyText } from '@/components/MoneyText';
import { MonthText } from '@/components/MonthText';
import { errorMessage, notifyError, notifySuccess } from '@/lib/notify';
import { DropZone, UploadProgress } from './DropZone';
import {
  COST_OPTIONS, type FocusAction, type FocusCost, type FocusGroupBy, type FocusResult, GROUP_BY_OPTIONS, importFocus,
} from './api/import-focus';

/** Groups shown at once (the badges say how many there are). */
export const SHOWN_GROUPS = 500;

type Step = 'idle' | 'checking' | 'checked' | 'committing' | 'done';

const ACTIONS: Record<FocusAction, { label: string; color: string }> = {
  create: { label: 'New', color: 'teal' },
  replace: { label: 'Replaces', color: 'yellow' },
  unchanged: { label: 'Unchanged', color: 'gray' },
  skip: { label: 'Skipped', color: 'orange' },
  conflict: { label: 'Conflict', color: 'red' },
};

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

function actionCount(result: FocusResult, action: FocusAction): number {
  return result.counts[action] ?? 0;
}

function ActionBadge({ group }: { group: FocusGroup }) {
  const { label, color } = ACTIONS[group.action];
  return (
    <Group gap={6} wrap="nowrap">
      <Badge variant="light" color={color}>{label}</Badge>
      {group.action === 'replace' && <MoneyText value={group.previous_amount} currency={group.currency} c="dimmed" />}
    </Group>
  );
}

function GroupError({ group }: { group: FocusGroup }) {
  if (!group.error) return null;
  return <Text size="xs" c={group.action === 'conflict' ? 'red' : 'dimmed'}>{group.error}</Text>;
}

function GroupAction({ group }: { group: FocusGroup }) {
  return (
    <Stack gap={2}>
      <ActionBadge group={group} />
      <GroupError group={group} />
    </Stack>
  );
}

function groupKey(group: FocusGroup): string {
  return `${group.month}|${group.provider}|${group.service}|${group.currency}`;
}

/**
 * The invoices on a phone: five columns do not fit in 390 px, and scrolled sideways
 * the amounts and actions would be out of sight. The service with its provider and
 * month, then the amount with what happens to it.
 */
function NarrowGroups({ groups }: { groups: FocusGroup[] }) {
  return (
    <Table striped stickyHeader aria-label="Invoices per service and month">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Service</Table.Th>
          <Table.Th ta="right">Amount</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {groups.map((group) => (
          <Table.Tr key={groupKey(group)}>
            <Table.Td>
              <Text size="sm" fw={500}>{group.service}</Text>
              <Text size="xs" c="dimmed">
                {`${group.provider} · `}
                <MonthText value={group.month} size="xs" c="dimmed" />
              </Text>
              <GroupError group={group} />
            </Table.Td>
            <Table.Td ta="right" style={{ verticalAlign: 'top' }}>
              <Stack gap={4} align="flex-end">
                <MoneyText value={group.amount} currency={group.currency} signed />
                <ActionBadge group={group} />
              </Stack>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The totals per month on a phone: three columns, the currency and count under the figures. */
function NarrowTotals({ totals }: { totals: FocusResult['totals'] }) {
  return (
    <Table striped aria-label="Totals per month">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Month</Table.Th>
          <Table.Th ta="right">File total</Table.Th>
          <Table.Th ta="right">Invoiced</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {totals.map((total) => (
          <Table.Tr key={`${total.month}-${total.currency}`}>
            <Table.Td>
              <MonthText value={total.month} size="sm" />
              <Text size="xs" c="dimmed">{total.currency}</Text>
            </Table.Td>
            <Table.Td ta="right" style={{ verticalAlign: 'top' }}>
              <MoneyText value={total.file_amount} currency={total.currency} signed />
            </Table.Td>
            <Table.Td ta="right" style={{ verticalAlign: 'top' }}>
              <MoneyText value={total.amount} currency={total.currency} signed />
              <Text size="xs" c="dimmed">{`${total.groups} ${total.groups === 1 ? 'invoice' : 'invoices'}`}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Preview({ result }: { result: FocusResult }) {
  const shown = result.groups.slice(0, SHOWN_GROUPS);
  const narrow = useMediaQuery('(max-width: 48em)') ?? false;
  return (
    <Stack gap="sm">
      {result.skipped_reasons.length > 0 && (
        <Table striped aria-label="Skipped rows" maw={560}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rows skipped</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.skipped_reasons.map((skipped) => (
              <Table.Tr key={skipped.reason}>
                <Table.Td>{skipped.rows.toLocaleString('en')}</Table.Td>
                <Table.Td>{skipped.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {narrow ? <NarrowTotals totals={result.totals} /> : (
        <Table striped aria-label="Totals per month" maw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Month</Table.Th>
              <Table.Th>Currency</Table.Th>
              <Table.Th ta="right" title="Every charge of the month in the file, summed and rounded once">
                File total
              </Table.Th>
              <Table.Th ta="right">Invoices</Table.Th>
              <Table.Th ta="right" title="What the month's invoices add up to once imported (skipped ones left out)">
                Invoiced
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.totals.map((total) => (
              <Table.Tr key={`${total.month}-${total.currency}`}>
                <Table.Td><MonthText value={total.month} /></Table.Td>
                <Table.Td>{total.currency}</Table.Td>
                <Table.Td ta="right"><MoneyText value={total.file_amount} currency={total.currency} signed /></Table.Td>
                <Table.Td ta="right">{total.groups}</Table.Td>
                <Table.Td ta="right"><MoneyText value={total.amount} currency={total.currency} signed /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Table.ScrollContainer minWidth={narrow ? 0 : 640} type="native" mah={480}>
        {narrow ? <NarrowGroups groups={shown} /> : (
          <Table striped stickyHeader aria-label="Invoices per service and month">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>What happens</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((group) => (
                <Table.Tr key={groupKey(group)}>
                  <Table.Td><MonthText value={group.month} /></Table.Td>
                  <Table.Td>{group.provider}</Table.Td>
                  <Table.Td>{group.service}</Table.Td>
                  <Table.Td ta="right"><MoneyText value={group.amount} currency={group.currency} signed /></Table.Td>
                  <Table.Td><GroupAction group={group} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Table.ScrollContainer>
      {result.groups.length > shown.length && (
        <Text size="sm" c="dimmed">{`The first ${shown.length} of ${result.groups.length} invoices are shown.`}</Text>
      )}
    </Stack>
  );
}

/** Choose grouping and cost column, drop a FOCUS export, see the preview, then commit. */
export function FocusImport({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const queryClient = useQueryClient();
  const [groupBy, setGroupBy] = useState<FocusGroupBy>('service');
  const [cost, setCost] = useState<FocusCost>('billed');
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>('idle');
  const [progress, setProgress] = useState(0);
  const [result, setResult] = useState<FocusResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const busy = step === 'checking' || step === 'committing';
  useEffect(() => onBusy(busy), [busy, onBusy]);

  const upload = async (chosen: File, dryRun: boolean, options = { groupBy, cost }) => {
    setStep(dryRun ? 'checking' : 'committing');
    setProgress(0);
    setFailure(null);
    try {
      const answer = await importFocus({
        file: chosen, dryRun, ...options, onProgress: setProgress,
      });
      setResult(answer);
      if (!dryRun && answer.committed) {
        setStep('done');
        notifySuccess(
          `${actionCount(answer, 'create')} new, ${actionCount(answer, 'replace')} replaced.`,
          'Invoices imported',
        );
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

  // Another grouping or cost column gives other sums: preview the file again with it.
  const reconsider = (options: { groupBy: FocusGroupBy; cost: FocusCost }) => {
    setGroupBy(options.groupBy);
    setCost(options.cost);
    if (file) upload(file, true, options);
  };

  const toWrite = result ? actionCount(result, 'create') + actionCount(result, 'replace') : 0;
  const canCommit = step === 'checked' && result !== null && result.conflicts === 0 && toWrite > 0;

  return (
    <>
      <Card component="section" aria-labelledby="focus-options-title">
        <Stack gap="sm">
          <Title order={2} fz="lg" id="focus-options-title">2. How to sum it</Title>
          <Group gap="xl" align="flex-end">
            <Stack gap={4}>
              <Text size="sm" fw={500} id="focus-group-by">One invoice per</Text>
              <SegmentedControl
                aria-labelledby="focus-group-by"
                data={GROUP_BY_OPTIONS}
                value={groupBy}
                onChange={(value) => reconsider({ groupBy: value as FocusGroupBy, cost })}
                disabled={busy}
              />
            </Stack>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="focus-cost">Cost column</Text>
              <SegmentedControl
                aria-labelledby="focus-cost"
                data={COST_OPTIONS}
                value={cost}
                onChange={(value) => reconsider({ groupBy, cost: value as FocusCost })}
                disabled={busy}
              />
            </Stack>
          </Group>
          <Text size="sm" c="dimmed">
            Billed cost is what the invoice says; effective cost spreads upfront purchases over the months they cover.
          </Text>
        </Stack>
      </Card>

      <Card component="section" aria-labelledby="focus-file-title">
        <Stack gap="sm">
          <Title order={2} fz="lg" id="focus-file-title">3. The file</Title>
          <DropZone
            prompt="Drop a FOCUS file here"
            file={file}
            accept=".csv,.gz,.parquet,text/csv,application/gzip"
            disabled={busy}
            onChoose={choose}
          />
          {busy && (
            <UploadProgress
              progress={progress}
              working={step === 'checking' ? 'Summing the rows…' : 'Importing the invoices…'}
            />
          )}
          {failure && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The file could not be read">{failure}</Alert>
          )}
        </Stack>
      </Card>

      {result && (
        <Card component="section" aria-labelledby="focus-result-title">
          <Stack gap="sm">
            <Title order={2} fz="lg" id="focus-result-title">{step === 'done' ? 'Imported' : '4. The preview'}</Title>
            <Group gap="sm">
              <Badge size="lg" variant="light" color="indigo">{`FOCUS ${result.focus_version}`}</Badge>
              <Badge size="lg" variant="light" color="gray">{plural(result.rows, 'row')}</Badge>
              <Badge size="lg" variant="light" color={result.skipped ? 'orange' : 'gray'}>
                {`${result.skipped.toLocaleString('en')} skipped`}
              </Badge>
              <Badge size="lg" variant="light" color={actionCount(result, 'create') ? 'teal' : 'gray'}>
                {`${actionCount(result, 'create')} new`}
              </Badge>
              <Badge size="lg" variant="light" color={actionCount(result, 'replace') ? 'yellow' : 'gray'}>
                {`${actionCount(result, 'replace')} replaced`}
              </Badge>
              <Badge size="lg" variant="light" color="gray">{`${actionCount(result, 'unchanged')} unchanged`}</Badge>
              <Badge size="lg" variant="light" color={result.conflicts ? 'red' : 'gray'}>
                {plural(result.conflicts, 'conflict')}
              </Badge>
            </Group>
            {result.detail && <Alert color="red" title="Nothing was imported">{result.detail}</Alert>}
            {result.conflicts > 0 && !result.detail && (
              <Text size="sm" c="red">Resolve the conflicts below (or choose another grouping); nothing is stored while any remains.</Text>
            )}
            {step === 'done' && (
              <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Done">
                {`The invoices of ${file?.name ?? 'the file'} are stored.`}
              </Alert>
            )}
            <Preview result={result} />
            {step !== 'done' && (
              <Group>
                <Button
                  onClick={() => file && upload(file, false)}
                  disabled={!canCommit}
                  loading={step === 'committing'}
                >
                  {`Import ${plural(toWrite, 'invoice')}`}
                </Button>
                {toWrite === 0 && result.conflicts === 0 && (
                  <Text size="sm" c="dimmed">Nothing to change: every invoice is already stored.</Text>
                )}
              </Group>
            )}
          </Stack>
        </Card>
      )}
    </>
  );
}
