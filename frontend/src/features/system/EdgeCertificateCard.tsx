import type { ReactNode } from 'react';
import { formatAge, formatUtc } from '../../lib/format';
import type { HealthDetail } from './api';
import { Figures } from './Figures';

type EdgeCertificate = HealthDetail['edge_certificate'];

/** ACME renews 30 days ahead: under 14 days left, a renewal is failing or a certificate needs replacing. */
const EXPIRY_WARNING_DAYS = 14;
const DAY_SECONDS = 86_400;
/**
 * Short-lived certificates (the internal CA's 12 hours) always have under 14 days left: they are
 * renewed with a third of their lifetime left, so under a sixth left means a renewal is failing.
 * The same rule as CertificateExpiring in monitoring/prometheus/alerts.yml.
 */
const LIFETIME_WARNING_FRACTION = 1 / 6;

/** Seconds left under which the certificate is drawn as a warning. */
function warningSeconds(notBefore: string | null, notAfter: string): number {
  const lifetime = notBefore === null ? Infinity : (Date.parse(notAfter) - Date.parse(notBefore)) / 1000;
  return Math.min(EXPIRY_WARNING_DAYS * DAY_SECONDS, lifetime * LIFETIME_WARNING_FRACTION);
}

/** "in 59 days", "in 11 h" (the edge's internal CA issues 12-hour certificates), "expired 2 days ago". */
function timeLeft(seconds: number): string {
  const magnitude = Math.abs(seconds);
  const days = Math.floor(magnitude / DAY_SECONDS);
  const count = days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : formatAge(magnitude);
  return seconds < 0 ? `expired ${count} ago` : `in ${count}`;
}

/** The certificate the edge serves, as the backend read it from a TLS handshake with the edge. */
export function EdgeCertificateCard({ certificate }: { certificate: EdgeCertificate }) {
  const title = 'Edge certificate';
  if (!certificate.probed) {
    return <Figures title={title} rows={[['Status', 'not probed (the edge serves no TLS)']]} />;
  }
  const checked: [string, ReactNode] = ['Checked', formatUtc(certificate.checked_at)];
  if (certificate.not_after === null || certificate.expires_in_seconds === null) {
    return (
      <Figures
        title={title}
        warning
        rows={[['Status', <span key="status" className="badge badge-tripped">unreadable</span>], ['Error', certificate.error ?? '—'], checked]}
      />
    );
  }
  const left = certificate.expires_in_seconds;
  const soon = left < warningSeconds(certificate.not_before, certificate.not_after);
  return (
    <Figures
      title={title}
      warning={soon}
      rows={[
        ['Expires on', formatUtc(certificate.not_after)],
        [
          'Expires',
          soon ? (
            <span key="left" className={`badge ${left < 0 ? 'badge-tripped' : 'badge-paused'}`}>
              {timeLeft(left)}
            </span>
          ) : (
            timeLeft(left)
          ),
        ],
        ['Names', certificate.dns_names.join(', ') || certificate.subject_cn || '—'],
        ['Issuer', certificate.issuer_cn ?? '—'],
        checked,
      ]}
    />
  );
}
