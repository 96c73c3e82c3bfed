/** A ring of recent API calls for the debug inspector; a tiny external store for React. */
export interface ApiCallRecord {
  sequence: number;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  requestId: string;
  startedAt: number;
  error?: string;
}

export interface ApiCallRecorder {
  record(call: Omit<ApiCallRecord, 'sequence'>): void;
  subscribe(listener: () => void): () => void;
  snapshot(): readonly ApiCallRecord[];
  clear(): void;
}

export function createApiCallRecorder(capacity = 50): ApiCallRecorder {
  let calls: readonly ApiCallRecord[] = [];
  let sequence = 0;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  return {
    record(call) {
      sequence += 1;
      calls = [{ ...call, sequence }, ...calls].slice(0, capacity);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => calls,
    clear() {
      calls = [];
      notify();
    },
  };
}
