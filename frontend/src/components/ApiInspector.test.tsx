import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createApiCallRecorder } from '../lib/apiInspector';
import ApiInspector from './ApiInspector';

describe('ApiInspector', () => {
  it('lists recent calls with status, duration and request id when opened', async () => {
    const user = userEvent.setup();
    const recorder = createApiCallRecorder();
    render(<ApiInspector recorder={recorder} />);
    act(() => {
      recorder.record({ method: 'GET', path: '/logs?limit=500', status: 200, durationMs: 42, requestId: 'req-abc', startedAt: 0 });
      recorder.record({ method: 'GET', path: '/logs/9/context', status: 404, durationMs: 5, requestId: 'req-def', startedAt: 0 });
    });

    const toggle = screen.getByRole('button', { name: 'API inspector (2)' });
    expect(screen.queryByRole('table')).toBeNull();
    await user.click(toggle);

    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      'GET/logs/9/context4045 msreq-def',
      'GET/logs?limit=50020042 msreq-abc',
    ]);
  });
});
