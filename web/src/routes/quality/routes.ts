import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../app-route';

/** Quality records of the yearly cycle: objectives evaluated, management reviews, steering committee, announcements. */
export const qualityRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ho-so-chat-luong',
  component: lazyRouteComponent(() => import('./QualityPage'), 'QualityPage'),
});
export const managementReviewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/ho-so-chat-luong/hop-xem-xet/$reviewId',
  component: lazyRouteComponent(() => import('./ManagementReviewPage'), 'ManagementReviewPage'),
});
export const qualityRoutes = [qualityRoute, managementReviewRoute];
