import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api } from '@/api/client';
import type { PasswordChange } from '@/api/types';
import { notifyError, notifySuccess } from '@/lib/notify';

/** POST /auth/password -> 204; tokens issued before stop working. */
export async function changePassword(body: PasswordChange): Promise<void> {
  // A wrong current password is a 400, not a 401, so no redirect happens here.
  await api.POST('/auth/password', { body });
}

export const changePasswordMutationOptions = () => mutationOptions({
  mutationFn: changePassword,
  onError: (error) => notifyError(error, 'Password not changed'),
});

export function useChangePassword({ onSuccess }: { onSuccess?: () => void } = {}) {
  return useMutation({
    ...changePasswordMutationOptions(),
    onSuccess: () => {
      notifySuccess('Password changed. Please sign in with the new password.', 'Password changed');
      onSuccess?.();
    },
  });
}
