import { useEffect, useState } from 'react';
import { applyTheme, initialTheme, rememberTheme, type Theme } from '../lib/theme';

function prefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => initialTheme(window.localStorage, prefersDark()));

  useEffect(() => {
    applyTheme(document.documentElement, theme);
  }, [theme]);

  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button button-quiet"
      aria-pressed={theme === 'dark'}
      onClick={() => {
        rememberTheme(window.localStorage, next);
        setTheme(next);
      }}
    >
      Dark theme
    </button>
  );
}
