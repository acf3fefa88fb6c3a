import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { rootRoute } from '../root';

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/dang-nhap',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } => (typeof s.redirect === 'string' && s.redirect.startsWith('/') ? { redirect: s.redirect } : {}),
  component: lazyRouteComponent(() => import('./SignInPage'), 'SignInPage'),
});

export const authRoutes = [signInRoute];
