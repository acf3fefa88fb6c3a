import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Supervision by the Sở KH&CN: the overview dashboard, an agency's drill-down, periodic reports, inspections. */
export const supervisionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/giam-sat',
  component: lazyRouteComponent(() => import('./SupervisionPage'), 'SupervisionPage'),
});
export const supervisedAgencyRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/giam-sat/co-quan/$agencyId',
  validateSearch: (s: Record<string, unknown>): { year?: number } => (typeof s.year === 'number' ? { year: s.year } : {}),
  component: lazyRouteComponent(() => import('./SupervisedAgencyPage'), 'SupervisedAgencyPage'),
});
export const reportsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/bao-cao',
  component: lazyRouteComponent(() => import('./ReportsPage'), 'ReportsPage'),
});
export const reportRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/bao-cao/$reportId',
  component: lazyRouteComponent(() => import('./ReportPage'), 'ReportPage'),
});
export const inspectionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/kiem-tra/$inspectionId',
  component: lazyRouteComponent(() => import('./InspectionPage'), 'InspectionPage'),
});

export const supervisionRoutes = [supervisionRoute, supervisedAgencyRoute, reportsRoute, reportRoute, inspectionRoute];
