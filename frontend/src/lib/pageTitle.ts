import { useEffect } from 'react';

export const APP_NAME = 'Delta Strangle Control Plane';

/** The browser tab (and history, and a screen reader on arrival) names the screen first. */
export function usePageTitle(screen: string | null): void {
  useEffect(() => {
    document.title = screen ? `${screen} · ${APP_NAME}` : APP_NAME;
  }, [screen]);
}
