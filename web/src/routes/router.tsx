import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { Loading } from '../components/QueryState';
import { appRoute } from './app-route';
import { adminRoutes } from './admin/routes';
import { auditRoutes } from './audit/routes';
import { authRoutes } from './auth/routes';
import { documentRoutes } from './documents/routes';
import { internalAuditRoutes } from './internal-audits/routes';
import { legalRoutes } from './legal/routes';
import { catalogueRoutes } from './catalogue/routes';
import { publicRoutes } from './public/routes';
import { qualityRoutes } from './quality/routes';
import { rootRoute } from './root';
import { supervisionRoutes } from './supervision/routes';
import { workRoutes } from './work/routes';

/** The route tree: one module per area (routes/<area>/routes.ts), each page loaded on demand. */
const routeTree = rootRoute.addChildren([
  ...publicRoutes,
  ...authRoutes,
  appRoute.addChildren([...workRoutes, ...documentRoutes, ...auditRoutes, ...internalAuditRoutes, ...legalRoutes, ...qualityRoutes, ...supervisionRoutes, ...catalogueRoutes, ...adminRoutes]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPendingComponent: () => <Loading />,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
