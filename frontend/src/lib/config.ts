/** Build-time settings from Vite's env; read once so every module agrees. */
export function apiBaseFrom(raw: string | undefined): string {
  const trimmed = (raw ?? '').trim();
  if (trimmed === '') return '/api';
  return trimmed.replace(/\/+$/, '');
}

export const apiBaseUrl = apiBaseFrom(import.meta.env.VITE_API_BASE_URL);

// Compared as a literal so the inspector's code is dropped from builds that do not enable it.
export const apiDebugEnabled = import.meta.env.VITE_ENABLE_API_DEBUG === 'true';
