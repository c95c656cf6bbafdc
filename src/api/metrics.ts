/**
 * Prometheus metrics of one server (own registry, so that several servers can live in one process, e.g. tests).
 *
 * Requests are counted in plain per-operation records on the hot path (a Map lookup, a bucket index, a few
 * additions); prom-client only sees them when /metrics is scraped. prom-client's own observe() hashes the label set
 * and allocates on every call, which cost several µs per request.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counts of one operation (or route). */
interface OperationStats {
  /** Requests by status code. */
  statuses: Map<number, number>;
  /** Latencies per bucket (not cumulative; the last entry is above the largest bound). */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly operations = new Map<string, OperationStats>();
  /** (operation, status) pairs in the order first seen: the order prom-client listed them in. */
  private readonly pairs: Array<[string, number]> = [];

  constructor(collectProcessMetrics = true) {
    const { operations, pairs } = this;
    new Counter({
      name: 'coalesce_http_requests_total',
      help: 'HTTP requests by API operation (or route) and status code',
      labelNames: ['operation', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [operation, status] of pairs) {
          this.inc({ operation, status: String(status) }, operations.get(operation)!.statuses.get(status)!);
        }
      },
    });
    this.registry.registerMetric(new LatencyHistogram(operations) as never);
    // The event-loop lag histogram samples every 100 ms, not prom-client's 10: its timer woke an idle server 100
    // times a second (~half of its idle CPU). Lags shorter than that are not resolved; stalls are still seen.
    if (collectProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'coalesce_', eventLoopMonitoringPrecision: 100 });
  }

  observe(operation: string, status: number, seconds: number): void {
    let s = this.operations.get(operation);
    if (!s) {
      s = { statuses: new Map(), buckets: new Float64Array(LATENCY_BUCKETS.length + 1), sum: 0, count: 0 };
      this.operations.set(operation, s);
    }
    const n = s.statuses.get(status);
    if (n === undefined) this.pairs.push([operation, status]);
    s.statuses.set(status, (n ?? 0) + 1);
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }
}

/**
 * `coalesce_http_request_duration_seconds{operation}` in the shape prom-client's registry formats (the same lines a
 * prom-client Histogram writes: cumulative `_bucket{le,operation}` lines, `+Inf`, `_sum`, `_count`).
 */
class LatencyHistogram {
  readonly name = 'coalesce_http_request_duration_seconds';
  readonly help = 'Request latency by API operation (or route), in seconds';
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly operations: Map<string, OperationStats>) {}

  async get() {
    const values: Array<{ labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number; metricName: string }> = [];
    for (const [operation, s] of this.operations) {
      const sharedLabels = { operation };
      let acc = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        acc += s.buckets[i]!;
        values.push({ labels: { le }, sharedLabels, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
