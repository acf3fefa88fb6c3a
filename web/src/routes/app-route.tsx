import { createRoute, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { sessionStore } from '../auth/session';
import { rootRoute } from './root';

/**
 * The signed-in part of the application: every route under it requires a session (a signed-out
 * user is sent to the sign-in page and brought back afterwards) and renders inside AppLayout.
 */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (!sessionStore.get()) throw redirect({ to: '/dang-nhap', search: { redirect: location.href } });
  },
  component: lazyRouteComponent(() => import('../layout/AppLayout'), 'AppLayout'),
});
