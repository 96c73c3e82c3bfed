import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/renderApp';
import { createTradingBackend, strategyConfig } from '../../test/tradingBackend';

describe('Dashboard with no session running', () => {
  it('sends an admin without a strategy to create one', async () => {
    const { backend } = createTradingBackend();
    renderApp(backend, { route: '/dashboard' });
    const link = await screen.findByRole('link', { name: 'create a strategy' });
    expect(link.getAttribute('href')).toBe('/strategies');
  });

  it('tells an admin with a strategy to start a session above', async () => {
    const { backend, addStrategy } = createTradingBackend();
    addStrategy(strategyConfig());
    renderApp(backend, { route: '/dashboard' });
    expect(await screen.findByText('Start one above: a paper session trades the simulated market.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'create a strategy' })).toBeNull();
  });

  it('tells a viewer who starts sessions', async () => {
    const { backend } = createTradingBackend({ role: 'viewer' });
    renderApp(backend, { route: '/dashboard' });
    await screen.findByTestId('role');
    expect(await screen.findByText('An admin starts one from a strategy.')).toBeTruthy();
  });
});
