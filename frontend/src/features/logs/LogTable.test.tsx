import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { logRow } from '../../test/logRows';
import { LogTable, ROW_HEIGHT } from './LogTable';

describe('LogTable', () => {
  it('renders only a window of 100,000 rows', () => {
    const rows = Array.from({ length: 100_000 }, (_, index) => logRow(100_000 - index));
    const started = performance.now();
    render(
      <LogTable rows={rows} expandedIds={new Set()} onToggle={vi.fn()} onCorrelationId={vi.fn()} renderDetails={() => null} />,
    );
    const elapsed = performance.now() - started;

    const rendered = screen.getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('100001');
    expect(screen.getByText('GET /api/thing/100000 200')).toBeTruthy();
    // Generous for a slow CI machine; rendering all rows takes tens of seconds in jsdom.
    expect(elapsed).toBeLessThan(3000);
  });

  it('shows details for expanded rows and reports toggles and correlation clicks', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    const onCorrelationId = vi.fn();
    render(
      <LogTable
        rows={[logRow(2), logRow(1)]}
        expandedIds={new Set([1])}
        onToggle={onToggle}
        onCorrelationId={onCorrelationId}
        renderDetails={(row) => <p>details of {row.id}</p>}
      />,
    );

    expect(screen.getByText('details of 1')).toBeTruthy();
    expect(screen.queryByText('details of 2')).toBeNull();
    const toggle = screen.getByRole('button', { name: 'Show details of entry 2' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByRole('button', { name: 'Hide details of entry 1' }).getAttribute('aria-expanded')).toBe('true');

    await user.click(toggle);
    expect(onToggle).toHaveBeenCalledWith(2);
    await user.click(screen.getByRole('button', { name: 'req-1' }));
    expect(onCorrelationId).toHaveBeenCalledWith('req-1');
  });

  it('moves focus between rows with the arrow keys', async () => {
    const user = userEvent.setup();
    render(
      <LogTable
        rows={[logRow(3), logRow(2), logRow(1)]}
        expandedIds={new Set()}
        onToggle={vi.fn()}
        onCorrelationId={vi.fn()}
        renderDetails={() => null}
      />,
    );

    screen.getByRole('button', { name: 'Show details of entry 3' }).focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Show details of entry 2'));
    await user.keyboard('{End}');
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Show details of entry 1'));
    await user.keyboard('{ArrowUp}');
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Show details of entry 2'));
  });

  it('keeps a scrolled-down reader in place when newer rows are prepended', () => {
    const props = { expandedIds: new Set<number>(), onToggle: vi.fn(), onCorrelationId: vi.fn(), renderDetails: () => null };
    const older = Array.from({ length: 50 }, (_, index) => logRow(50 - index));
    const view = render(<LogTable rows={older} {...props} />);
    const scroller = screen.getByTestId('log-scroller');

    view.rerender(<LogTable rows={[logRow(51), ...older]} {...props} />);
    expect(scroller.scrollTop).toBe(0);

    scroller.scrollTop = 340;
    view.rerender(<LogTable rows={[logRow(53), logRow(52), logRow(51), ...older]} {...props} />);
    expect(scroller.scrollTop).toBe(340 + 2 * ROW_HEIGHT);
  });
});
