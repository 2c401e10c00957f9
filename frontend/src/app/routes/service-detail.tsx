/**
 * /services/:serviceId: the service's header (services feature) and, by its
 * category code, its invoices, license plans or usage (each its own feature).
 */
import { Stack } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { ApiError } from '@/api/client';
import { NotFound } from '@/components/NotFound';
import { ErrorState, PageLoader } from '@/components/PageStates';
import { InvoicesSection } from '@/features/invoices/InvoicesSection';
import { PlansSection } from '@/features/licenses/PlansSection';
import { useService } from '@/features/services/api/get-service';
import { ServiceHeader } from '@/features/services/ServiceHeader';
import { UsageSection } from '@/features/usage/UsageSection';

export function Component() {
  const { serviceId } = useParams();
  const id = Number(serviceId);
  const service = useService(id);

  if (!Number.isInteger(id) || id <= 0) return <NotFound />;
  if (service.isPending) return <PageLoader label="Loading service…" />;
  if (service.isError) {
    if (service.error instanceof ApiError && service.error.status === 404) return <NotFound />;
    return <ErrorState error={service.error} onRetry={() => service.refetch()} />;
  }
  const s = service.data;
  return (
    <Stack gap="md">
      <ServiceHeader service={s} />
      {s.category_code === 'infrastructure' && <InvoicesSection serviceId={s.id} />}
      {s.category_code === 'license' && <PlansSection service={s} />}
      {s.category_code === 'usage' && <UsageSection service={s} />}
    </Stack>
  );
}
