import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './layout.js';

// Each page is its own chunk: the first paint loads the shell and the one page it opens.
const CatalogPage = lazy(() => import('./pages/catalog.js'));
const PromptPage = lazy(() => import('./pages/prompt.js'));
const ChangeRequestsPage = lazy(() => import('./pages/change-requests.js'));
const ChangeRequestPage = lazy(() => import('./pages/change-request.js'));
const ReleasesPage = lazy(() => import('./pages/releases.js'));
const MonitoringPage = lazy(() => import('./pages/monitoring.js'));
const TracesPage = lazy(() => import('./pages/traces.js'));
const TracePage = lazy(() => import('./pages/trace.js'));
const ReviewsPage = lazy(() => import('./pages/reviews.js'));
const AuditPage = lazy(() => import('./pages/audit.js'));

export const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/catalog" replace /> },
      { path: 'catalog', element: <CatalogPage /> },
      { path: 'catalog/:prompt', element: <PromptPage /> },
      { path: 'change-requests', element: <ChangeRequestsPage /> },
      { path: 'change-requests/:number', element: <ChangeRequestPage /> },
      { path: 'releases', element: <ReleasesPage /> },
      { path: 'monitoring', element: <MonitoringPage /> },
      { path: 'traces', element: <TracesPage /> },
      { path: 'traces/:id', element: <TracePage /> },
      { path: 'reviews', element: <ReviewsPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'signin', element: <Navigate to="/catalog" replace /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

function NotFound() {
  return <p>No such page.</p>;
}
