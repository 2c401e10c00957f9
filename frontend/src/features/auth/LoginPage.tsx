import {
  Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, ThemeIcon, Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconChartBar } from '@tabler/icons-react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '@/api/client';
import { useAuth } from '@/lib/auth';
import { ColorSchemeToggle } from '@/components/ColorSchemeToggle';
import { errorMessage } from '@/lib/notify';
import { useLogin } from './api/login';

interface LocationState {
  from?: string;
  expired?: boolean;
}

export function LoginPage() {
  const { isAuthenticated, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? {}) as LocationState;
  const params = new URLSearchParams(location.search);
  const from = state.from ?? params.get('next') ?? '/';
  const target = from.startsWith('/') && !from.startsWith('/login') ? from : '/';
  const loginMutation = useLogin();

  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (/^\S+@\S+\.\S+$/.test(value) ? null : 'Enter a valid email address'),
      password: (value) => (value ? null : 'Enter your password'),
    },
  });

  if (isAuthenticated) return <Navigate to={target} replace />;

  const submit = form.onSubmit((values) => {
    loginMutation.mutate(values, {
      onSuccess: (token) => {
        signIn(token.access_token);
        navigate(target, { replace: true });
      },
    });
  });

  let failure: string | null = null;
  if (loginMutation.error) {
    failure = loginMutation.error instanceof ApiError && loginMutation.error.status === 401
      ? 'Wrong email or password.'
      : errorMessage(loginMutation.error);
  }

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Stack w="100%" maw={400} gap="lg">
        <Stack align="center" gap={6}>
          <ThemeIcon size={52} radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan' }}>
            <IconChartBar size={30} />
          </ThemeIcon>
          <Title order={1} fz={28}>CostWatch</Title>
          <Text c="dimmed" size="sm" ta="center">Infrastructure, license and usage costs in one place</Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              {state.expired && !failure && (
                <Alert color="yellow" variant="light">Your session has ended. Please sign in again.</Alert>
              )}
              {failure && (
                <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                  {failure}
                </Alert>
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                {...form.getInputProps('email')}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                {...form.getInputProps('password')}
              />
              <Button type="submit" fullWidth loading={loginMutation.isPending}>Sign in</Button>
            </Stack>
          </form>
        </Paper>
        <Center>
          <ColorSchemeToggle />
        </Center>
      </Stack>
    </Center>
  );
}
