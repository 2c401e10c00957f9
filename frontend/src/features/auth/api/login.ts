import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '@/api/client';
import type { Token } from '@/api/types';

export interface LoginInput {
  email: string;
  password: string;
}

/** POST /auth/login (OAuth2 password form). A 401 here means wrong credentials. */
export function login({ email, password }: LoginInput): Promise<Token> {
  return apiFetch<Token>('/auth/login', {
    method: 'POST',
    form: { username: email, password },
    skipAuthRedirect: true,
  });
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
