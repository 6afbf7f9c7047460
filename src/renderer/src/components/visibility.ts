import { useEffect, useState, type RefObject } from 'react';

type Cb = (visible: boolean) => void;
const callbacks = new WeakMap<Element, Cb>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver | null {
  if (observer || typeof IntersectionObserver === 'undefined') return observer;
  // A margin so cards already have fresh values when they scroll into view.
  observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) callbacks.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: '200px' },
  );
  return observer;
}

/**
 * Whether the element is on (or near) the screen. Cards out of view stop listening to live
 * updates, so a thousand devices streaming at once cost only the visible ones.
 */
export function useVisible(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    const io = shared();
    if (!el || !io) {
      setVisible(true);
      return;
    }
    callbacks.set(el, setVisible);
    io.observe(el);
    return () => {
      io.unobserve(el);
      callbacks.delete(el);
    };
  }, [ref]);
  return visible;
}

/** A clock that ticks every `ms` while `enabled`, for "5 min ago" labels. */
const tickers = new Map<number, { now: number; subs: Set<() => void>; timer: number }>();
export function useNow(ms: number, enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    let t = tickers.get(ms);
    if (!t) {
      const fresh = { now: Date.now(), subs: new Set<() => void>(), timer: 0 };
      fresh.timer = window.setInterval(() => {
        fresh.now = Date.now();
        for (const s of fresh.subs) s();
      }, ms);
      tickers.set(ms, fresh);
      t = fresh;
    }
    const entry = t;
    const sub = () => setNow(entry.now);
    entry.subs.add(sub);
    return () => {
      entry.subs.delete(sub);
      if (entry.subs.size === 0) {
        clearInterval(entry.timer);
        tickers.delete(ms);
      }
    };
  }, [ms, enabled]);
  return now;
}
