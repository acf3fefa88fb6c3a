import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Administration: agencies tree, memberships and roles, users, delegations, queue status. */
export const agenciesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/quan-tri/co-quan',
  component: lazyRouteComponent(() => import('./AgenciesPage'), 'AgenciesPage'),
});
export const agencyRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/quan-tri/co-quan/$agencyId',
  component: lazyRouteComponent(() => import('./AgencyPage'), 'AgencyPage'),
});
export const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/quan-tri/nguoi-dung',
  component: lazyRouteComponent(() => import('./UsersPage'), 'UsersPage'),
});
export const queuesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/quan-tri/hang-doi',
  component: lazyRouteComponent(() => import('./QueuesPage'), 'QueuesPage'),
});
export const delegationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/uy-quyen',
  component: lazyRouteComponent(() => import('./DelegationsPage'), 'DelegationsPage'),
});

export const adminRoutes = [agenciesRoute, agencyRoute, usersRoute, queuesRoute, delegationsRoute];
