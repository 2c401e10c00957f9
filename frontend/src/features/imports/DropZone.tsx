import { type DragEvent, useState } from 'react';
import {
  Button, FileButton, Paper, Progress, Stack, Text,
} from '@mantine/core';
import { IconFileUpload, IconUpload } from '@tabler/icons-react';

interface DropZoneProps {
  /** What the zone asks for, e.g. "Drop a CSV file here". */
  prompt: string;
  file: File | null;
  accept: string;
  disabled: boolean;
  onChoose: (file: File | null) => void;
}

/** A dashed area to drop a file on, with a button to choose one instead. */
export function DropZone({
  prompt, file, accept, disabled, onChoose,
}: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (!disabled) onChoose(event.dataTransfer.files[0] ?? null);
  };
  return (
    <Paper
      withBorder
      p="xl"
      radius="md"
      role="group"
      aria-label={prompt}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        borderColor: dragging ? 'var(--mantine-color-indigo-5)' : undefined,
        background: dragging ? 'var(--mantine-color-indigo-light)' : undefined,
      }}
    >
      <Stack align="center" gap="xs">
        <IconFileUpload size={36} opacity={0.6} />
        <Text fw={600}>{file ? file.name : prompt}</Text>
        <FileButton onChange={onChoose} accept={accept} disabled={disabled}>
          {(props) => (
            <Button {...props} variant="light" leftSection={<IconUpload size={16} />}>
              {file ? 'Choose another file' : 'Choose a file'}
            </Button>
          )}
        </FileButton>
      </Stack>
    </Paper>
  );
}

/** The upload's progress, then what the server is doing once the file is sent. */
export function UploadProgress({ progress, working }: { progress: number; working: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm">{progress < 1 ? `Uploading… ${Math.round(progress * 100)} %` : working}</Text>
      <Progress value={progress * 100} animated aria-label="Upload progress" />
    </Stack>
  );
}
