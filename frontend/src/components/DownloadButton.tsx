import { useState } from 'react';
import type { DownloadedFile } from '../lib/apiClient';
import { describeError } from '../lib/describeError';
import { saveFile } from '../lib/saveFile';

/**
 * Fetches a file with the bearer token (a plain link could not send it) and saves it under the
 * server's filename, or `fallbackName()` when the server gave none.
 */
export function DownloadButton({
  download,
  fallbackName,
  label = 'Export CSV',
  disabled,
}: {
  download: () => Promise<DownloadedFile>;
  fallbackName: () => string;
  label?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const file = await download();
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
        {busy ? 'Exporting…' : label}
      </button>
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
    </>
  );
}
