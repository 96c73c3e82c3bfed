import { useEffect } from 'react';

export const APP_NAME = 'Delta Strangle Control Plane';

/**
 * The browser tab (and history, and a screen reader on arrival) names the screen first. Every
 * screen calls it itself, so a route with a parameter (a session's page) names itself too.
 */
export function usePageTitle(screen: string): void {
  useEffect(() => {
    document.title = `${screen} · ${APP_NAME}`;
  }, [screen]);
}
