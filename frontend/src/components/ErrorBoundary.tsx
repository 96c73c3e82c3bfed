import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { ClientLogShipper } from '../lib/clientLogShipper';

interface Props {
  shipper: ClientLogShipper | null;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    this.props.shipper?.report({
      level: 'ERROR',
      logger: 'frontend.react',
      event: 'ui.render_error',
      message: error.message || error.name,
      error_name: error.name,
      stack: error.stack,
      component_stack: info.componentStack ?? undefined,
      page: window.location.pathname,
    });
  }

  override render() {
    if (this.state.error) {
      return (
        <div role="alert" className="page-error">
          <h1>Something went wrong</h1>
          <p>The error was reported. Reload the page to continue.</p>
          <pre>{this.state.error.message}</pre>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
