/**
 * Prometheus text exposition format (version 0.0.4), as a pure function: families of counters,
 * gauges and histograms in, the text a scraper or `lab metrics` reads out. Names are checked
 * (a bad one is a bug in the caller: RangeError); label values and help text are escaped.
 */
export type Labels = Readonly<Record<string, string>>;

export interface ScalarFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly { readonly labels?: Labels; readonly value: number }[];
}

export interface HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly samples: readonly { readonly labels?: Labels; readonly histogram: HistogramSnapshot }[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

export interface HistogramSnapshot {
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative counts per bound (same length as bounds). */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** A fixed-bucket histogram to observe into (latencies in seconds, say). */
export class Histogram {
  private readonly counts: number[];
  private n = 0;
  private total = 0;

  constructor(readonly bounds: readonly number[] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]) {
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError('histogram bounds must ascend');
    this.counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.n++;
    this.total += v;
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]!) this.counts[i]!++;
  }

  snapshot(): HistogramSnapshot {
    return { bounds: this.bounds, cumulative: [...this.counts], count: this.n, sum: this.total };
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const f of families) {
    if (!NAME.test(f.name)) throw new RangeError(`metric name "${f.name}" is not a Prometheus name`);
    if (seen.has(f.name)) throw new RangeError(`metric "${f.name}" appears twice`);
    seen.add(f.name);
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
    if (f.type === 'histogram') {
      for (const s of f.samples) {
        const h = s.histogram;
        h.bounds.forEach((b, i) => lines.push(`${f.name}_bucket${labels(s.labels, ['le', number(b)])} ${number(h.cumulative[i]!)}`));
        lines.push(`${f.name}_bucket${labels(s.labels, ['le', '+Inf'])} ${number(h.count)}`);
        lines.push(`${f.name}_sum${labels(s.labels)} ${number(h.sum)}`, `${f.name}_count${labels(s.labels)} ${number(h.count)}`);
      }
    } else {
      for (const s of f.samples) lines.push(`${f.name}${labels(s.labels)} ${number(s.value)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function labels(l: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(l ?? {});
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs
    .map(([k, v]) => {
      if (!LABEL.test(k) || k.startsWith('__')) throw new RangeError(`label name "${k}" is not a Prometheus label`);
      return `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
    })
    .join(',')}}`;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
