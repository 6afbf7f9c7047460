import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../../../shared/contract/index';
import type { Metric } from '../../../shared/metrics';
import type { ResultError } from '../../../shared/result';
import { useEpoch, useStore } from '../store/hooks';
import { metricLabel, metricUnit } from '../store/primary';
import { themeColor, useThemeName } from '../theme';
import { ErrorNote } from './ErrorNote';

export interface ChartProps {
  deviceId: string;
  /** The entity's series (its key) and what it measures. */
  entity: string;
  metric: Metric;
  /** Its name ("Temperature 2"); default: the metric's. */
  label?: string;
  from: number;
  to: number;
  /** The range ends now: live readings extend it as they arrive. */
  live: boolean;
  /** What a binary 'state' senses, for its title ("Window" rather than "State"). */
  binaryClass?: string;
}

/**
 * One entity's history. Asks the engine for as many points as the chart is pixels wide (the
 * engine downsamples), then appends live readings at most once a second.
 */
export function Chart({ deviceId, entity, metric, from, to, live, ...p }: ChartProps) {
  const label = p.label ?? metricLabel(metric, p.binaryClass);
  const store = useStore();
  const epoch = useEpoch();
  const theme = useThemeName();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const [series, setSeries] = useState<Series | null>(null);
  const [error, setError] = useState<ResultError | null>(null);
  const [loading, setLoading] = useState(true);
  /** Live points arrived after the query: the "no readings" note must go. */
  const [hasLive, setHasLive] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (width < 50) return;
    let cancelled = false;
    setLoading(true);
    setHasLive(false);
    void store.api
      .querySeries({
        deviceId,
        metric,
        entity,
        from,
        to,
        points: Math.min(20_000, Math.max(2, width)),
      })
      .then((r) => {
        if (cancelled) return;
        setLoading(false);
        if (r.ok) {
          setSeries(r.value);
          setError(null);
        } else setError(r.error);
      });
    return () => {
      cancelled = true;
    };
    // A coarse width bucket: resizing by a few pixels does not re-query.
  }, [store, deviceId, entity, metric, from, to, Math.round(width / 100), epoch]); // eslint-disable-line react-hooks/exhaustive-deps

  // Build the plot when data first arrives or the theme changes.
  useEffect(() => {
    const el = box.current;
    if (!el || !series || width < 50) return;
    const fg = themeColor(el, '--fg-muted', '#666');
    const grid = themeColor(el, '--grid', '#ddd');
    const accent = themeColor(el, '--accent', '#c33');
    const unit = series.unit || metricUnit(metric);
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    let created: uPlot | null = null;
    const u0 = () => created;
    const u = new uPlot(
      {
        width,
        height: 220,
        // The whole chosen range, even where it holds few readings (else one point spans years).
        scales: { x: { time: true, auto: false, range: () => xRange(from, to, u0()) } },
        axes: [axis, { ...axis, label: unit, size: 56 }],
        legend: { show: true },
        series: [
          {},
          {
            label,
            stroke: accent,
            width: 1.5,
            // Dots only where readings are sparse, so a lone reading is not invisible.
            points: { show: (_u, _s, i0, i1) => i1 - i0 < width / 8 },
            value: (_u, v) => (v == null ? '—' : `${v.toFixed(2)} ${unit}`),
          },
        ],
      },
      toData(series, store.liveSeries(deviceId, entity), from, live),
      el,
    );
    created = u;
    u.setScale('x', { min: xRange(from, to, u)[0], max: xRange(from, to, u)[1] });
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
    // Data updates go through setData below; only a new series object or theme rebuilds.
  }, [series, theme]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    plot.current?.setSize({ width, height: 220 });
  }, [width]);

  // Live readings: redraw at most once a second.
  useEffect(() => {
    if (!live || !series) return;
    let timer: number | null = null;
    const off = store.subscribe(`live:${deviceId}`, () => {
      if (timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        const u = plot.current;
        if (!u) return;
        const liveData = store.liveSeries(deviceId, entity);
        if (liveData?.ts.length) setHasLive(true);
        u.setData(toData(series, liveData, from, live));
        const [min, max] = xRange(from, to, u);
        u.setScale('x', { min, max });
      }, 1000);
    });
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, deviceId, entity, series, from, to, live]);

  const empty =
    series &&
    series.ts.length === 0 &&
    !hasLive &&
    !(live && store.liveSeries(deviceId, entity)?.ts.length);
  return (
    <figure className="chart" aria-label={`${label} history`}>
      <figcaption>
        {label}
        {series ? (
          <span className="muted">
            {' '}
            · {series.rawCount.toLocaleString()} stored readings in range
            {series.rawCount > series.ts.length ? `, ${series.ts.length} points shown` : ''}
          </span>
        ) : null}
      </figcaption>
      {error && <ErrorNote error={error} what="History" />}
      {loading && !series && !error && <p className="muted">Loading history…</p>}
      {empty && !error && (
        <p className="muted">No readings in this range yet. Pick a longer range, or wait.</p>
      )}
      {/* The queried timestamps, for tests and scripts that check what history held. */}
      <div
        ref={box}
        className="chart-box"
        data-metric={metric}
        data-entity={entity}
        data-points={series?.ts.length ?? 0}
        data-ts={series && series.ts.length <= 5000 ? series.ts.join(',') : undefined}
      />
    </figure>
  );
}

/**
 * The x scale: the whole chosen range, even where it holds few readings (uPlot's auto range makes
 * one point span years), stretched by live points that arrive after `to`.
 */
function xRange(from: number, to: number, u: uPlot | null): [number, number] {
  const xs = u?.data?.[0];
  const last = xs && xs.length ? xs[xs.length - 1] : 0;
  return [from / 1000, Math.max(to / 1000, last)];
}

function toData(
  s: Series,
  live: { ts: number[]; values: number[] } | undefined,
  from: number,
  isLive: boolean,
): uPlot.AlignedData {
  const xs = s.ts.map((t) => t / 1000);
  const ys: (number | null)[] = s.values.slice();
  if (isLive && live) {
    const last = s.ts[s.ts.length - 1] ?? from;
    for (let i = 0; i < live.ts.length; i++) {
      if (live.ts[i] > last) {
        xs.push(live.ts[i] / 1000);
        ys.push(live.values[i]);
      }
    }
  }
  return [xs, ys];
}
