import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app/App';
import { createServices } from './app/createServices';
import { ApiError } from './lib/apiClient';
import { createApiCallRecorder } from './lib/apiInspector';
import { createClientLogShipper, installGlobalErrorReporting } from './lib/clientLogShipper';
import { apiBaseUrl, apiDebugEnabled } from './lib/config';
import { browserSocketFactory } from './lib/liveSocket';
import { applyTheme, initialTheme } from './lib/theme';
import './styles.css';

applyTheme(
  document.documentElement,
  initialTheme(window.localStorage, window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false),
);

const services = createServices({
  baseUrl: apiBaseUrl,
  storage: window.sessionStorage,
  openSocket: browserSocketFactory,
  recorder: apiDebugEnabled ? createApiCallRecorder() : null,
  shipperFor: ({ api, session }) =>
    createClientLogShipper({
      canSend: () => session.token() !== null,
      // 401 means signed out (held until sign-in); other 4xx answers will not change on retry.
      isPermanentFailure: (error) =>
        error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401,
      send: async (entries, { keepalive }) => {
        await api.request('/logs/batch', { method: 'POST', body: { entries }, keepalive });
      },
    }),
});
if (services.shipper) installGlobalErrorReporting(window, services.shipper);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <App services={services} />
    </BrowserRouter>
  </StrictMode>,
);
