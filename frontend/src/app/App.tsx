import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes } from 'react-router';
import { AppShell } from '../components/AppShell';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { AccountPage } from '../features/auth/AccountPage';
import { RequireAuth } from '../features/auth/RequireAuth';
import { SignInPage } from '../features/auth/SignInPage';
import { AnalyticsPage } from '../features/analytics/AnalyticsPage';
import { BacktestsPage } from '../features/backtests/BacktestsPage';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { LogViewerPage } from '../features/logs/LogViewerPage';
import { SessionPage } from '../features/sessions/SessionPage';
import { StrategiesPage } from '../features/strategies/StrategiesPage';
import { SystemPage } from '../features/system/SystemPage';
import { UsersPage } from '../features/users/UsersPage';
import { ApiError } from '../lib/apiClient';
import { usePageTitle } from '../lib/pageTitle';
import { ServicesProvider, type AppServices } from './services';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change on retry; network blips and 5xx might.
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
    },
  });
}

function NotFound() {
  usePageTitle('Page not found');
  return (
    <div className="page-error">
      <h1>Page not found</h1>
      <p>
        <Link to="/dashboard">Go to the dashboard</Link>
      </p>
    </div>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<SignInPage />} />
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/dashboard" replace />} />
        <Route path="/dashboard" element={<DashboardPage />} />
        <Route path="/sessions/:id" element={<SessionPage />} />
        <Route path="/strategies" element={<StrategiesPage />} />
        <Route path="/analytics" element={<AnalyticsPage />} />
        <Route path="/backtests" element={<BacktestsPage />} />
        <Route path="/logs" element={<LogViewerPage />} />
        <Route path="/system" element={<SystemPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** Providers around the routes; the router itself comes from the caller (browser or memory). */
export function App({ services, queryClient }: { services: AppServices; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());

  useEffect(() => {
    // Server data belongs to the signed-in user: drop it when the session ends, and ship
    // client errors that were held while signed out once there is a session again.
    return services.session.subscribe(() => {
      if (services.session.getState().session === null) client.clear();
      else void services.shipper?.flush();
    });
  }, [services, client]);

  return (
    <ErrorBoundary shipper={services.shipper}>
      <ServicesProvider services={services}>
        <QueryClientProvider client={client}>
          <AppRoutes />
        </QueryClientProvider>
      </ServicesProvider>
    </ErrorBoundary>
  );
}
