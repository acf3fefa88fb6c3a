import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Everyone signed in: the work list (/me/tasks) and notifications. */
export const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./TasksPage'), 'TasksPage'),
});
export const tasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cong-viec',
  validateSearch: (s: Record<string, unknown>): { kind?: string } => (typeof s.kind === 'string' ? { kind: s.kind } : {}),
  component: lazyRouteComponent(() => import('./TasksPage'), 'TasksPage'),
});
export const notificationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/thong-bao',
  component: lazyRouteComponent(() => import('./NotificationsPage'), 'NotificationsPage'),
});

export const workRoutes = [homeRoute, tasksRoute, notificationsRoute];
