export type Theme = 'light' | 'dark';
export const THEME_STORAGE_KEY = 'dscp.theme';

export function storedTheme(storage: Storage): Theme | null {
  try {
    const value = storage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

export function initialTheme(storage: Storage, prefersDark: boolean): Theme {
  return storedTheme(storage) ?? (prefersDark ? 'dark' : 'light');
}

export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme;
}

export function rememberTheme(storage: Storage, theme: Theme): void {
  try {
    storage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private mode or a full quota: the theme still applies for this visit.
  }
}
