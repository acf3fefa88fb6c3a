import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/**
 * Documents: staff (documents in force), drafters and the ISO secretary (register, editor,
 * submit/check), heads and deputies (approval), auditors (timeline, diff).
 */
export const inForceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tai-lieu',
  component: lazyRouteComponent(() => import('./InForcePage'), 'InForcePage'),
});
export const registerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/so-dang-ky',
  component: lazyRouteComponent(() => import('./RegisterPage'), 'RegisterPage'),
});
export const documentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tai-lieu/$documentId',
  component: lazyRouteComponent(() => import('./DocumentPage'), 'DocumentPage'),
});
export const historyRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tai-lieu/$documentId/lich-su',
  component: lazyRouteComponent(() => import('./HistoryPage'), 'HistoryPage'),
});
export const revisionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ban/$revisionId',
  component: lazyRouteComponent(() => import('./RevisionPage'), 'RevisionPage'),
});
export const diffRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ban/$revisionId/so-sanh',
  validateSearch: (s: Record<string, unknown>): { voi?: string } => (typeof s.voi === 'string' ? { voi: s.voi } : {}),
  component: lazyRouteComponent(() => import('./DiffPage'), 'DiffPage'),
});

export const documentRoutes = [inForceRoute, registerRoute, documentRoute, historyRoute, revisionRoute, diffRoute];
