import { memo } from 'react';

/** A tiny line of the last hour; an SVG path is cheaper than a canvas per card. */
export const Sparkline = memo(function Sparkline({
  ts,
  values,
  label,
}: {
  ts: number[];
  values: number[];
  label: string;
}) {
  if (values.length < 2) {
    const text = values.length ? 'one reading in the last hour' : 'no data in the last hour';
    return (
      <div className="spark spark-empty" role="img" aria-label={`${label}: ${text}`}>
        {text}
      </div>
    );
  }
  // The last hour, or less when the data is younger, so a fresh device's line is not a sliver.
  const now = Math.max(Date.now(), ts[ts.length - 1]);
  const from = Math.max(now - 3_600_000, ts[0]);
  const spanX = Math.max(1, now - from);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  let d = '';
  for (let i = 0; i < values.length; i++) {
    const x = ((ts[i] - from) / spanX) * 100;
    const y = 28 - ((values[i] - min) / span) * 26;
    d += `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  return (
    <svg
      className="spark"
      data-points={values.length}
      viewBox="0 0 100 30"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}, last hour: ${min.toFixed(1)} to ${max.toFixed(1)}`}
    >
      <path d={d} vectorEffect="non-scaling-stroke" />
    </svg>
  );
});
