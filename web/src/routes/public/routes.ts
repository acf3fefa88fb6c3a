import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { rootRoute } from '../root';

/** Citizens: an agency's documents in force, without sign-in (niêm yết công khai). */
export const publicAgencyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/cong-khai/$agencyCode',
  component: lazyRouteComponent(() => import('./PublicAgencyPage'), 'PublicAgencyPage'),
});

export const publicRoutes = [publicAgencyRoute];
