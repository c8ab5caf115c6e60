import { formatCents } from '../../shared/money.ts';

export interface ChartPoint {
  period: string;
  licences: number;
  /** Null for a month with nothing reconciled: no point is drawn, rather than an invented $0.00. */
  marginCents: number | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const label = (period: string) => `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(2, 4)}`;

/**
 * Licences (bars) and margin (line) over twelve months, as inline SVG: no charting library,
 * so the pod's first screen keeps its size. The figures are also in the table beside it.
 */
export function MarginChart(props: { points: readonly ChartPoint[]; title: string }) {
  const w = 560;
  const h = 160;
  const pad = { l: 36, r: 56, t: 10, b: 22 };
  const inner = { w: w - pad.l - pad.r, h: h - pad.t - pad.b };
  const step = inner.w / Math.max(props.points.length, 1);
  const maxLic = Math.max(1, ...props.points.map((p) => p.licences));
  const margins = props.points.map((p) => p.marginCents).filter((m): m is number => m !== null);
  const hi = Math.max(0, ...margins);
  const lo = Math.min(0, ...margins);
  const span = hi - lo || 1;
  const y = (cents: number) => pad.t + ((hi - cents) / span) * inner.h;
  // The line breaks over months without figures: each run of known months is drawn apart.
  const line = props.points
    .map((p, i) =>
      p.marginCents === null
        ? ''
        : `${i === 0 || props.points[i - 1]!.marginCents === null ? 'M' : 'L'}${(pad.l + step * (i + 0.5)).toFixed(1)},${y(p.marginCents).toFixed(1)}`,
    )
    .filter(Boolean)
    .join(' ');
  return (
    <figure class="chart" data-testid="margin-chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.title}: licences and margin per month`}>
        <title>{props.title}</title>
        <line x1={pad.l} x2={w - pad.r} y1={y(0)} y2={y(0)} class="axis" />
        {props.points.map((p, i) => {
          const bh = (p.licences / maxLic) * inner.h;
          return (
            <g key={p.period}>
              <rect
                x={pad.l + step * i + step * 0.2}
                y={pad.t + inner.h - bh}
                width={step * 0.6}
                height={bh}
                class="bar"
                data-licences={p.licences}
              >
                <title>
                  {p.marginCents === null
                    ? `${label(p.period)}: nothing reconciled`
                    : `${label(p.period)}: ${p.licences} licences, margin ${formatCents(p.marginCents)}`}
                </title>
              </rect>
              <text x={pad.l + step * (i + 0.5)} y={h - 6} class="tick">
                {label(p.period)}
              </text>
            </g>
          );
        })}
        <path d={line} class="margin" />
        {/* Axis labels anchored inside the chart's margins, so none is cut at the edge. */}
        <text x={pad.l - 4} y={pad.t + 8} class="tick end" data-testid="licence-axis">
          {maxLic}
        </text>
        <text x={w - pad.r + 4} y={y(hi) + 8} class="tick start">
          {formatCents(hi)}
        </text>
        <text x={w - pad.r + 4} y={y(lo)} class="tick start">
          {formatCents(lo)}
        </text>
      </svg>
      <figcaption class="muted small">
        Bars: licences invoiced. Line: margin (ConnectWise billed − distributor cost).
      </figcaption>
    </figure>
  );
}
