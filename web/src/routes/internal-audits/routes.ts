import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Internal audits: the programme, one audit (plan, approval, findings checklist, report). */
export const auditsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/danh-gia-noi-bo',
  component: lazyRouteComponent(() => import('./AuditsPage'), 'AuditsPage'),
});
export const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/danh-gia-noi-bo/$auditId',
  component: lazyRouteComponent(() => import('./AuditPage'), 'AuditPage'),
});

/** Nonconformities: the register with filters, one nonconformity (analysis, actions, verification). */
export const nonconformitiesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/khong-phu-hop',
  validateSearch: (s: Record<string, unknown>): { state?: string; source?: string; overdue?: string } => ({
    ...(typeof s.state === 'string' ? { state: s.state } : {}),
    ...(typeof s.source === 'string' ? { source: s.source } : {}),
    ...(s.overdue === 'true' || s.overdue === true ? { overdue: 'true' } : {}),
  }),
  component: lazyRouteComponent(() => import('./NonconformitiesPage'), 'NonconformitiesPage'),
});
export const nonconformityRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/khong-phu-hop/$ncId',
  component: lazyRouteComponent(() => import('./NonconformityPage'), 'NonconformityPage'),
});

export const internalAuditRoutes = [auditsRoute, auditRoute, nonconformitiesRoute, nonconformityRoute];
