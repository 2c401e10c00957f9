import { mutationOptions, useMutation } from '@tanstack/react-query';
import { api, dataOf, serializeQuery } from '@/api/client';
import type { Token } from '@/api/types';

export interface LoginInput {
  email: string;
  password: string;
}

/** POST /auth/login (OAuth2 password form). A 401 here means wrong credentials, not an expired session. */
export async function login({ email, password }: LoginInput): Promise<Token> {
  return dataOf(await api.POST('/auth/login', {
    body: { username: email, password, scope: '' },
    bodySerializer: (body) => serializeQuery(body),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  }));
}

export const loginMutationOptions = () => mutationOptions({ mutationFn: login });

export function useLogin() {
  return useMutation(loginMutationOptions());
}
