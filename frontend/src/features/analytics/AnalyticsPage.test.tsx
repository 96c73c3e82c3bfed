import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderApp, SIGNED_IN } from '../../test/renderApp';
import { createTradingBackend, EXPORT_FILENAME, strategyConfig } from '../../test/tradingBackend';

function metricValue(label: string): string | null | undefined {
  const metrics = screen.getByLabelText('Metrics');
  const term = within(metrics).getByText(label, { selector: 'dt' });
  return term.nextElementSibling?.textContent;
}

describe('Advanced Analytics', () => {
  it('shows metric cards, both charts and the first timeline page', async () => {
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/analytics' });

    await screen.findByRole('table', { name: 'Timeline' });
    expect(metricValue('Net PnL')).toBe('+$152.25');
    expect(metricValue('Win rate')).toBe('62.5 %');
    expect(metricValue('Profit factor')).toBe('2.1');
    expect(metricValue('Profitable days')).toBe('12 of 20');
    expect(screen.getByRole('img', { name: /^Cumulative PnL: 3 points from 2026-11-01 to 2026-11-03, last \+\$152\.25/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Drawdown: 3 points/ })).toBeTruthy();
    expect(screen.getByText('Page 1 of 3')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Timeline' })).getAllByRole('row')).toHaveLength(51);
    const query = backend.callsTo('GET', '/api/analytics/history')[0]?.url.searchParams;
    expect(Object.fromEntries(query ?? [])).toEqual({ preset: '30d', page: '1', page_size: '50' });
  });

  it('keeps the filters and the page in the URL and asks the API with them', async () => {
    const user = userEvent.setup();
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/analytics' });
    await screen.findByRole('option', { name: 'BTC daily' });

    await user.selectOptions(screen.getByLabelText('Period'), 'Last 7 days');
    await user.type(screen.getByLabelText('From (date)'), '2026-11-01');
    await user.type(screen.getByLabelText('To (date)'), '2026-11-20');
    await user.selectOptions(screen.getByLabelText('Strategy'), 'BTC daily');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe('/analytics?preset=7d&start=2026-11-01&end=2026-11-20&strategy_id=1'),
    );
    await user.click(await screen.findByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(screen.getByText('Page 2 of 3')).toBeTruthy());
    expect(screen.getByTestId('location').textContent).toBe('/analytics?preset=7d&start=2026-11-01&end=2026-11-20&strategy_id=1&page=2');
    const last = backend.callsTo('GET', '/api/analytics/history').at(-1)?.url.searchParams;
    expect(Object.fromEntries(last ?? [])).toEqual({
      preset: '7d',
      start: '2026-11-01',
      end: '2026-11-20',
      strategy_id: '1',
      page: '2',
      page_size: '50',
    });
    expect(screen.getByRole('button', { name: 'Previous page' }).hasAttribute('disabled')).toBe(false);
  });

  it('reads filters from a shared link, and refuses a start after the end without asking', async () => {
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/analytics?preset=all&start=2026-11-20&end=2026-11-01' });

    expect((await screen.findByRole('alert')).textContent).toBe('The start date must not be after the end date.');
    expect((screen.getByLabelText('Period') as HTMLSelectElement).value).toBe('all');
    expect(backend.callsTo('GET', '/api/analytics/history')).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Export CSV' }).hasAttribute('disabled')).toBe(true);
  });

  it('exports the CSV with the bearer token and the same filters, saved under the server\'s filename', async () => {
    const user = userEvent.setup();
    const { backend } = createTradingBackend();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const realExport = createTradingBackend().backend;
    backend.on('GET', '/api/analytics/export', async (call) => {
      await gate;
      return realExport.fetch(call.url.toString(), { headers: call.headers }).then(async (response) => ({
        text: await response.text(),
        headers: Object.fromEntries(response.headers),
      }));
    });
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:analytics';
    });
    const saved: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(`${this.download} ${this.href}`);
    });
    renderApp(backend, { route: '/analytics?preset=90d&strategy_id=4' });
    await screen.findByRole('table', { name: 'Timeline' });

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    const busy = await screen.findByRole('button', { name: 'Exporting…' });
    expect(busy.getAttribute('aria-busy')).toBe('true');
    expect(busy.querySelector('.spinner')).not.toBeNull();
    release();

    await screen.findByRole('button', { name: 'Export CSV' });
    expect(saved).toEqual([`${EXPORT_FILENAME} blob:analytics`]);
    expect(await created[0]?.text()).toMatch(/^# metadata\n[\s\S]*# metrics\n[\s\S]*# timeline\n/);
    const [call] = backend.callsTo('GET', '/api/analytics/export');
    expect(call?.headers.get('Authorization')).toBe(`Bearer ${SIGNED_IN.token}`);
    expect(Object.fromEntries(call?.url.searchParams ?? [])).toEqual({ format: 'csv', preset: '90d', strategy_id: '4' });
  });

  it('says why an export failed', async () => {
    const user = userEvent.setup();
    const { backend } = createTradingBackend();
    backend.on('GET', '/api/analytics/export', () => ({ status: 500, body: { detail: 'disk full' } }));
    renderApp(backend, { route: '/analytics' });
    await screen.findByRole('table', { name: 'Timeline' });

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));

    expect((await screen.findByRole('alert')).textContent).toMatch(/^Export failed: disk full \(request ui-/);
  });
});
