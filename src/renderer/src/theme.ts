import { useEffect, useSyncExternalStore } from 'react';
import { useSettings } from './store/hooks';

const mq = () => window.matchMedia('(prefers-color-scheme: dark)');
const subscribeOs = (l: () => void) => {
  const m = mq();
  m.addEventListener('change', l);
  const obs = new MutationObserver(l);
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => {
    m.removeEventListener('change', l);
    obs.disconnect();
  };
};

/** The theme in effect: the settings override, else the OS preference. */
export function useThemeName(): 'light' | 'dark' {
  return useSyncExternalStore(subscribeOs, () => {
    const forced = document.documentElement.dataset.theme;
    if (forced === 'light' || forced === 'dark') return forced;
    return mq().matches ? 'dark' : 'light';
  });
}

/** Applies settings.general.theme to <html data-theme>; "system" leaves it to the media query. */
export function useApplyTheme(): void {
  const settings = useSettings();
  const choice = settings?.general.theme ?? 'system';
  useEffect(() => {
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  }, [choice]);
}

/**
 * A theme colour (a custom property of styles.css) as a plain rgb() for a canvas. The properties
 * hold light-dark() pairs, which only resolve where an element uses them, so one is asked for it.
 */
export function themeColor(within: Element, name: string, fallback: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name}, ${fallback})`;
  within.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || fallback;
}
