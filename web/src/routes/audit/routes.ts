import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Auditors: the audit trail with filters and the hash-chain check. */
export const auditTrailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/nhat-ky',
  component: lazyRouteComponent(() => import('./AuditTrailPage'), 'AuditTrailPage'),
});

export const auditRoutes = [auditTrailRoute];
