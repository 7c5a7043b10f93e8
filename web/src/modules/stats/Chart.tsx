// A bar chart of one metric per day, as SVG: the chart has a <title>, every bar its own <title>
// with the exact number, and the page shows the same numbers in a table. No animation.
import { formatNumber, t } from '../../i18n';
import type { DayCounts, Metric } from './types';

export function fmtDate(d: string, lang: string): string {
  const [y, m, day] = d.split('-').map(Number);
  return lang === 'ja' ? `${y}年${m}月${day}日` : d;
}

export function metricValue(metric: Metric, n: number): string {
  return t(metric === 'participants' ? 'stats.unit.participants' : 'stats.unit.count', { n: formatNumber(n) });
}

export function DayChart({ series, metric, lang }: { series: DayCounts[]; metric: Metric; lang: string }) {
  const n = series.length;
  const max = Math.max(1, ...series.map((d) => d[metric]));
  const left = 36;
  const top = 12;
  const plotH = 160;
  const width = 680;
  const step = (width - left - 8) / Math.max(1, n);
  const barW = Math.max(1, Math.min(40, step * 0.75));
  const height = top + plotH + 28;
  const name = t(`stats.m.${metric}`);
  const first = series[0]?.date ?? '';
  const last = series[n - 1]?.date ?? '';
  return (
    <svg
      class="stats-chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby="stats-chart-title"
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="stats-chart-title">{t('stats.chartTitle', { from: fmtDate(first, lang), to: fmtDate(last, lang), metric: name })}</title>
      <line x1={left} y1={top} x2={left} y2={top + plotH} class="stats-axis" />
      <line x1={left} y1={top + plotH} x2={width - 4} y2={top + plotH} class="stats-axis" />
      <text x={left - 4} y={top + 4} class="stats-tick" text-anchor="end">
        {formatNumber(max)}
      </text>
      <text x={left - 4} y={top + plotH} class="stats-tick" text-anchor="end">
        0
      </text>
      {series.map((d, i) => {
        const v = d[metric];
        const h = v > 0 ? Math.max(2, Math.round((v / max) * plotH)) : 0;
        return (
          <g key={d.date}>
            <title>{t('stats.barTitle', { date: fmtDate(d.date, lang), metric: name, value: metricValue(metric, v) })}</title>
            <rect x={(left + i * step + (step - barW) / 2).toFixed(2)} y={top + plotH - h} width={barW.toFixed(2)} height={h} class="stats-bar" />
          </g>
        );
      })}
      <text x={left} y={height - 6} class="stats-tick">
        {fmtDate(first, lang)}
      </text>
      {n > 1 && (
        <text x={width - 4} y={height - 6} class="stats-tick" text-anchor="end">
          {fmtDate(last, lang)}
        </text>
      )}
    </svg>
  );
}
