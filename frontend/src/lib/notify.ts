/** Toasts for the outcome of every mutation. */
import { notifications } from '@mantine/notifications';
import { ApiError } from '@/api/client';

export function notifySuccess(message: string, title = 'Saved'): void {
  notifications.show({
    title, message, color: 'teal', autoClose: 4000,
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong';
}

export function notifyError(error: unknown, title = 'Could not save'): void {
  notifications.show({
    title, message: errorMessage(error), color: 'red', autoClose: 8000,
  });
}
