import {
  Button, Card, PasswordInput, Stack, Text, Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '@/lib/auth';
import { PageHeader } from '@/components/PageHeader';
import { useChangePassword } from './api/change-password';
import { useMe } from './api/get-me';

// The server also refuses guessable passwords (zxcvbn) and says why; this is the quick part.
const MIN_LENGTH = 12;

export function SettingsPage() {
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const me = useMe();
  const form = useForm({
    initialValues: { current_password: '', new_password: '', confirm: '' },
    validate: {
      current_password: (value) => (value ? null : 'Enter your current password'),
      new_password: (value, values) => {
        if (value.length < MIN_LENGTH) return `At least ${MIN_LENGTH} characters`;
        if (value === values.current_password) return 'Choose a password different from the current one';
        return null;
      },
      confirm: (value, values) => (value === values.new_password ? null : 'The passwords do not match'),
    },
  });
  const mutation = useChangePassword({
    onSuccess: () => {
      // The server has revoked the current token: sign out and back in.
      signOut();
      navigate('/login', { replace: true });
    },
  });

  return (
    <>
      <PageHeader title="Settings" description="The single administrator account" />
      <Card maw={520}>
        <Stack gap="md">
          <div>
            <Title order={2} fz="lg">Change password</Title>
            <Text size="sm" c="dimmed">
              {me.data ? `Signed in as ${me.data.email}. ` : ''}
              You will be signed out and asked to sign in again with the new password.
            </Text>
          </div>
          <form
            onSubmit={form.onSubmit(({ current_password: current, new_password: next }) => {
              mutation.mutate({ current_password: current, new_password: next });
            })}
            noValidate
          >
            <Stack gap="sm">
              <PasswordInput label="Current password" autoComplete="current-password" required {...form.getInputProps('current_password')} />
              <PasswordInput label="New password" autoComplete="new-password" required description={`${MIN_LENGTH} characters or more, not easy to guess`} {...form.getInputProps('new_password')} />
              <PasswordInput label="Repeat new password" autoComplete="new-password" required {...form.getInputProps('confirm')} />
              <Button type="submit" loading={mutation.isPending} style={{ alignSelf: 'flex-start' }}>
                Change password
              </Button>
            </Stack>
          </form>
        </Stack>
      </Card>
    </>
  );
}
