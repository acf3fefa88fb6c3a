import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** The legal registry (everyone reads; admin and supervisors write) and legal-change progress. */
export const legalListRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/van-ban-phap-luat',
  component: lazyRouteComponent(() => import('./LegalListPage'), 'LegalListPage'),
});
export const legalDocumentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/van-ban-phap-luat/$legalId',
  component: lazyRouteComponent(() => import('./LegalDocumentPage'), 'LegalDocumentPage'),
});
export const legalChangeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/thay-doi-phap-luat/$changeId',
  component: lazyRouteComponent(() => import('./LegalChangePage'), 'LegalChangePage'),
});

export const legalRoutes = [legalListRoute, legalDocumentRoute, legalChangeRoute];
