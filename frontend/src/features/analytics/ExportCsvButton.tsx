import { useState } from 'react';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { saveFile } from '../../lib/saveFile';
import { exportCsv } from './api';
import type { AnalyticsFilters } from './filters';

function fallbackName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `analytics-export-${stamp}.csv`;
}

/** Fetches the CSV with the bearer token (a plain link could not send it) and saves it. */
export function ExportCsvButton({ filters, disabled }: { filters: AnalyticsFilters; disabled?: boolean }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const file = await exportCsv(api, filters);
      saveFile(file.blob, file.filename ?? fallbackName());
    } catch (failure) {
      setError(`Export failed: ${describeError(failure)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="button" onClick={() => void run()} disabled={busy || disabled} aria-busy={busy}>
        {busy && <span className="spinner" aria-hidden="true" />}
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
    </>
  );
}
