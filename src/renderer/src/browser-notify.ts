import type { NotificationPayload } from '../../shared/contract/index';

/**
 * Alerts as browser notifications, for dashboards served by `homebeat serve` (the Electron shell
 * shows OS notifications itself, so the page stays quiet there). Only after the user allowed it.
 */
let openRoute: ((route: string) => void) | null = null;

export function enableBrowserNotifications(onOpen: (route: string) => void): void {
  if (typeof window !== 'undefined' && 'Notification' in window) openRoute = onOpen;
}

export function browserNotificationsAvailable(): boolean {
  return openRoute !== null;
}

export function browserNotificationPermission(): NotificationPermission | 'unsupported' {
  return openRoute ? Notification.permission : 'unsupported';
}

export async function requestBrowserNotifications(): Promise<
  NotificationPermission | 'unsupported'
> {
  if (!openRoute) return 'unsupported';
  return Notification.requestPermission();
}

export function showBrowserNotification(n: NotificationPayload): void {
  if (!openRoute || Notification.permission !== 'granted') return;
  const open = openRoute;
  const note = new Notification(n.title, { body: n.body, tag: n.id });
  note.onclick = () => {
    window.focus();
    if (n.target) open(n.target);
    note.close();
  };
}
