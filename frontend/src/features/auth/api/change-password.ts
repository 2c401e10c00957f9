import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { PasswordChange } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /auth/password -> 204; tokens issued before stop working. */
export function changePassword(body: PasswordChange): Promise<void> {
  // A wrong current password is a 400, not a 401, so no redirect happens here.
  return apiFetch<void>('/auth/password', { method: 'POST', body });
}

export function useChangePassword({ onSuccess }: { onSuccess?: () => void } = {}) {
  return useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      notifySuccess('Password changed. Please sign in with the new password.', 'Password changed');
      onSuccess?.();
    },
    onError: (error) => notifyError(error, 'Password not changed'),
  });
}
