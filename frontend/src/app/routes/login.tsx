/** /login: the sign-in form (outside the app layout). */
export { LoginPage as Component } from '@/features/auth/LoginPage';
