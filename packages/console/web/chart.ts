import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import { html } from './html';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per x; null where there is none. */
  values: ReadonlyArray<number | null>;
}

export interface ChartProps {
  title: string;
  /** Epoch milliseconds, ascending. */
  times: readonly number[];
  series: readonly ChartSeries[];
  /** Vertical markers (epoch ms) with a label: events on the same time axis. */
  markers?: ReadonlyArray<{ at: number; label: string }>;
  height?: number;
  format?: (value: number) => string;
}

/** A time-series chart drawn by uPlot (canvas): fast with thousands of points. */
export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => s.label).join('|');
  const markersRef = useRef(props.markers ?? []);
  markersRef.current = props.markers ?? [];

  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const format = props.format ?? compact;
    const markers = (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = '#d9480f';
      ctx.setLineDash([4, 4]);
      for (const marker of markersRef.current) {
        const x = Math.round(u.valToPos(marker.at / 1000, 'x', true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      }
      ctx.restore();
    };
    const options: Options = {
      title: props.title,
      width: Math.max(240, element.clientWidth),
      height: props.height ?? 180,
      // One point (a first window) would get a years-wide axis: pad a lone instant to ten minutes around it.
      scales: {
        x: {
          time: true,
          range: (_u: uPlot, min: number, max: number): [number, number] =>
            min === max ? [min - 300, max + 300] : [min, max],
        },
      },
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
        })),
      ],
      axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map(format), size: 60 }],
      legend: { live: true },
      hooks: { draw: [markers] },
    };
    plot.current = new uPlot(options, toData(props), element);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(240, element.clientWidth), height: props.height ?? 180 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, props.title]);

  useEffect(() => {
    plot.current?.setData(toData(props));
  });

  return html`<div class="chart" ref=${host} data-chart=${props.title}></div>`;
}

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
/** 1.2M, 60K, 0.25: short enough for an axis. */
const compact = (v: number): string =>
  Math.abs(v) >= 1000 ? COMPACT.format(v) : Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));

function toData(props: ChartProps): AlignedData {
  return [props.times.map((t) => t / 1000), ...props.series.map((s) => [...s.values])] as AlignedData;
}
