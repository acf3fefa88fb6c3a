import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** The TTHC catalogue (browse, import) and each agency's coverage by procedures in force. */
export const catalogueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/danh-muc-tthc',
  component: lazyRouteComponent(() => import('./CataloguePage'), 'CataloguePage'),
});
export const coverageRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tthc-ap-dung',
  component: lazyRouteComponent(() => import('./CoveragePage'), 'CoveragePage'),
});
export const acknowledgementsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/xac-nhan-doc/$revisionId',
  component: lazyRouteComponent(() => import('./AcknowledgementsPage'), 'AcknowledgementsPage'),
});

export const catalogueRoutes = [catalogueRoute, coverageRoute, acknowledgementsRoute];
