import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ClientLogShipper } from '../lib/clientLogShipper';
import { ErrorBoundary } from './ErrorBoundary';

function Broken(): never {
  throw new Error('cannot render this');
}

describe('ErrorBoundary', () => {
  it('shows a fallback and ships the render error', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const report = vi.fn();
    const shipper: ClientLogShipper = { report, flush: async () => undefined, queued: () => 0, dispose: () => undefined };

    render(
      <ErrorBoundary shipper={shipper}>
        <Broken />
      </ErrorBoundary>,
    );

    expect(screen.getByRole('alert').textContent).toContain('cannot render this');
    expect(report).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'ui.render_error', level: 'ERROR', message: 'cannot render this' }),
    );
  });
});
