import { Suspense, useEffect } from 'react';
import {
  AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, ThemeIcon, Tooltip, ActionIcon,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBell, IconChartBar, IconChartPie, IconFileImport, IconHistory, IconKey, IconLogout, IconPigMoney,
  IconPlugConnected, IconServer, IconSettings, IconWallet,
} from '@tabler/icons-react';
import {
  NavLink as RouterNavLink, Outlet, useLocation, useNavigate,
} from 'react-router-dom';
import { useAuth } from '@/lib/auth';
import { PageLoader } from '@/components/PageStates';
import { ColorSchemeToggle } from '@/components/ColorSchemeToggle';
import { OpenAlertsBadge } from '@/features/alerts/OpenAlerts';

const LINKS = [
  {
    to: '/', label: 'Dashboard', icon: IconChartBar, end: true,
  },
  {
    to: '/alerts', label: 'Alerts', icon: IconBell, end: false,
  },
  {
    to: '/services', label: 'Services', icon: IconServer, end: false,
  },
  {
    to: '/licenses', label: 'Licenses', icon: IconKey, end: false,
  },
  {
    to: '/usage', label: 'Usage', icon: IconWallet, end: false,
  },
  {
    to: '/budgets', label: 'Budgets', icon: IconPigMoney, end: false,
  },
  {
    to: '/connections', label: 'Connections', icon: IconPlugConnected, end: false,
  },
  {
    to: '/analytics', label: 'Analytics', icon: IconChartPie, end: false,
  },
  {
    to: '/import', label: 'Import', icon: IconFileImport, end: false,
  },
  {
    to: '/audit', label: 'Audit log', icon: IconHistory, end: false,
  },
  {
    to: '/settings', label: 'Settings', icon: IconSettings, end: false,
  },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();

  // On a phone the navbar is an overlay: close it after every navigation.
  useEffect(() => {
    close();
  }, [location.pathname, close]);

  const logout = () => {
    signOut();
    navigate('/login', { replace: true });
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <ThemeIcon size="lg" radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan' }}>
              <IconChartBar size={20} />
            </ThemeIcon>
            <Text fw={700} size="lg">CostWatch</Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ColorSchemeToggle />
            <Button variant="default" leftSection={<IconLogout size={16} />} onClick={logout} visibleFrom="xs">
              Log out
            </Button>
            <Tooltip label="Log out">
              <ActionIcon variant="default" size="lg" onClick={logout} hiddenFrom="xs" aria-label="Log out">
                <IconLogout size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <ScrollArea>
          {LINKS.map((link) => (
            <NavLink
              key={link.to}
              component={RouterNavLink}
              to={link.to}
              end={link.end}
              label={link.label}
              leftSection={<link.icon size={18} stroke={1.6} />}
              rightSection={link.to === '/alerts' ? <OpenAlertsBadge /> : undefined}
              active={link.end ? location.pathname === link.to : location.pathname.startsWith(link.to)}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
              mb={4}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main style={{ minWidth: 0 }}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
