import { useServices } from '../../app/services';
import { DownloadButton } from '../../components/DownloadButton';
import { exportCsv } from './api';
import type { AnalyticsFilters } from './filters';

function fallbackName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `analytics-export-${stamp}.csv`;
}

export function ExportCsvButton({ filters, disabled }: { filters: AnalyticsFilters; disabled?: boolean }) {
  const { api } = useServices();
  return <DownloadButton download={() => exportCsv(api, filters)} fallbackName={fallbackName} disabled={disabled} />;
}
