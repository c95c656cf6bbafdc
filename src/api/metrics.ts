/** Prometheus metrics of one server (own registry, so that several servers can live in one process, e.g. tests). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'status'>;
  private readonly latency: Histogram<'operation'>;

  constructor(collectProcessMetrics = true) {
    this.requests = new Counter({
      name: 'coalesce_http_requests_total',
      help: 'HTTP requests by API operation (or route) and status code',
      labelNames: ['operation', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'coalesce_http_request_duration_seconds',
      help: 'Request latency by API operation (or route), in seconds',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    if (collectProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'coalesce_' });
  }

  /** Label-bound children, cached (avoids hashing label sets on every request). */
  private readonly children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();

  observe(operation: string, status: number, seconds: number): void {
    const key = `${operation} ${status}`;
    let c = this.children.get(key);
    if (!c) {
      c = { count: this.requests.labels(operation, String(status)), time: this.latency.labels(operation) };
      this.children.set(key, c);
    }
    c.count.inc();
    c.time.observe(seconds);
  }
}
