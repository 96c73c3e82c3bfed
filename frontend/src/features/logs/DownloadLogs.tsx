import { useState } from 'react';
import { useServices } from '../../app/services';
import { describeError } from '../../lib/describeError';
import { saveFile } from '../../lib/saveFile';
import { downloadLogs, type DownloadFormat } from './api';
import type { LogFilters } from './filters';

const FORMATS: { format: DownloadFormat; label: string }[] = [
  { format: 'ndjson', label: 'NDJSON' },
  { format: 'csv', label: 'CSV' },
];

/** Saves every row of the filters (not only the loaded ones), streamed by the API. */
export function DownloadLogs({ filters }: { filters: LogFilters }) {
  const { api } = useServices();
  const [busy, setBusy] = useState<DownloadFormat | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(format: DownloadFormat) {
    setBusy(format);
    setError(null);
    try {
      const file = await downloadLogs(api, filters, format);
      saveFile(file.blob, file.filename ?? `logs.${format}`);
    } catch (failure) {
      setError(`Download failed: ${describeError(failure)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {FORMATS.map(({ format, label }) => (
        <button
          key={format}
          type="button"
          className="button"
          disabled={busy !== null}
          aria-busy={busy === format}
          title={`Download every entry matching the filters as ${label}`}
          onClick={() => void run(format)}
        >
          {busy === format ? 'Downloading…' : `Download ${label}`}
        </button>
      ))}
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
    </>
  );
}
