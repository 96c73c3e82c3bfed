import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientLevel, createClientLogShipper, installGlobalErrorReporting, uiEventName, type ClientLogEntry } from './clientLogShipper';

describe('createClientLogShipper', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const entry = (message: string) => ({ level: 'ERROR' as const, logger: 'test', event: 'client_error', message });

  it('sends a full batch at once and the rest after the delay', async () => {
    const batches: ClientLogEntry[][] = [];
    const shipper = createClientLogShipper({
      canSend: () => true,
      send: async (entries) => void batches.push(entries),
      maxBatch: 2,
      flushDelayMs: 1000,
    });

    shipper.report(entry('a'));
    shipper.report(entry('b'));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches.map((batch) => batch.map((e) => e.message))).toEqual([['a', 'b']]);

    shipper.report(entry('c'));
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.map((batch) => batch.map((e) => e.message))).toEqual([['a', 'b'], ['c']]);
    expect(batches[0]?.[0]?.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('holds entries while nobody is signed in and keeps at most maxQueued', async () => {
    let signedIn = false;
    const send = vi.fn(async () => undefined);
    const shipper = createClientLogShipper({ canSend: () => signedIn, send, maxBatch: 10, maxQueued: 3 });

    for (const message of ['1', '2', '3', '4']) shipper.report(entry(message));
    await vi.advanceTimersByTimeAsync(5000);
    expect(send).not.toHaveBeenCalled();
    expect(shipper.queued()).toBe(3);

    signedIn = true;
    await shipper.flush();
    expect(send).toHaveBeenCalledTimes(1);
    expect((send.mock.calls[0] as unknown as [ClientLogEntry[]])[0].map((e) => e.message)).toEqual(['2', '3', '4']);
    expect(shipper.queued()).toBe(0);
  });

  it('sends only ui.* events at levels up to ERROR, as the server requires', async () => {
    const batches: ClientLogEntry[][] = [];
    const shipper = createClientLogShipper({ canSend: () => true, send: async (entries) => void batches.push(entries), maxBatch: 3 });

    shipper.report({ level: 'WARNING', logger: 't', event: 'slow_page', message: 'a' });
    shipper.report({ level: 'ERROR', logger: 't', event: 'ui.client_error', message: 'b' });
    // A caller outside the types (plain JS, a library) cannot raise the level or leave the namespace.
    shipper.report({ level: 'CRITICAL' as 'ERROR', logger: 't', event: '', message: 'c' });
    await vi.advanceTimersByTimeAsync(0);

    expect(batches[0]?.map((e) => [e.level, e.event])).toEqual([
      ['WARNING', 'ui.slow_page'],
      ['ERROR', 'ui.client_error'],
      ['ERROR', 'ui.log'],
    ]);
  });

  it('names events and levels the way the server accepts them', () => {
    expect(uiEventName('audit')).toBe('ui.audit');
    expect(uiEventName('kill_switch_tripped')).toBe('ui.kill_switch_tripped');
    expect(uiEventName('ui.render_error')).toBe('ui.render_error');
    expect(['debug', 'INFO', 'Warning', 'ERROR', 'CRITICAL', 'FATAL'].map(clientLevel)).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'ERROR', 'ERROR']);
  });

  it('keeps a batch whose send failed and retries it later', async () => {
    const send = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
    const shipper = createClientLogShipper({ canSend: () => true, send, maxBatch: 5, flushDelayMs: 500 });

    shipper.report(entry('kept'));
    await vi.advanceTimersByTimeAsync(500);
    expect(shipper.queued()).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(send).toHaveBeenCalledTimes(2);
    expect(shipper.queued()).toBe(0);
  });
});

describe('createClientLogShipper permanent failures', () => {
  it('drops a batch the server will never accept and goes on with the next', async () => {
    const rejected = new Error('422');
    const sent: string[][] = [];
    const send = vi.fn(async (entries: ClientLogEntry[]) => {
      if (entries.some((e) => e.message === 'bad')) throw rejected;
      sent.push(entries.map((e) => e.message));
    });
    const shipper = createClientLogShipper({
      canSend: () => true,
      send,
      maxBatch: 1,
      isPermanentFailure: (error) => error === rejected,
    });

    shipper.report({ level: 'ERROR', logger: 't', event: 'e', message: 'bad' });
    shipper.report({ level: 'ERROR', logger: 't', event: 'e', message: 'good' });

    await vi.waitFor(() => expect(sent).toEqual([['good']]));
    expect(send).toHaveBeenCalledTimes(2);
    expect(shipper.queued()).toBe(0);
  });
});

describe('installGlobalErrorReporting', () => {
  it('reports window errors and unhandled rejections', () => {
    const reported: unknown[] = [];
    const shipper = {
      report: (e: unknown) => void reported.push(e),
      flush: async () => undefined,
      queued: () => reported.length,
      dispose: () => undefined,
    };
    const undo = installGlobalErrorReporting(window, shipper);

    window.dispatchEvent(new ErrorEvent('error', { error: new RangeError('bad index'), message: 'bad index' }));
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('no answer') });
    window.dispatchEvent(rejection);
    undo();
    window.dispatchEvent(new ErrorEvent('error', { message: 'after undo' }));

    expect(reported).toMatchObject([
      { event: 'ui.client_error', message: 'bad index', error_name: 'RangeError', level: 'ERROR' },
      { event: 'ui.unhandled_rejection', message: 'no answer' },
    ]);
  });
});
