import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Errors } from '../common/errors.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { queryCounter } from '../database/typeorm-logger.js';
import { Queues, withTimeout } from '../queue/job-queue.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

/** Throws 401 unless `authorization` is `Bearer <token>` (compared in constant time); no token configured: nothing to check. */
export function assertMetricsToken(token: string | null, authorization: string | undefined): void {
  if (token === null) return;
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  if (!timingSafeEqual(digest(given), digest(token))) throw Errors.unauthorized('invalid_metrics_token', 'Send "Authorization: Bearer <METRICS_TOKEN>".');
}

/** Prometheus metrics of this process: HTTP latency by route, queue depths, Node defaults. */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(private readonly queues: Queues) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    new Counter({
      name: 'db_queries_total',
      help: 'SQL statements this process sent to PostgreSQL (per request: the delta over the requests)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(queryCounter.total);
      },
    });
    const queues = this.queues;
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [name, q] of queues.all()) {
          try {
            const counts = await withTimeout(q.getJobCounts(...JOB_STATES), 1000);
            for (const s of JOB_STATES) this.set({ queue: name, state: s }, counts[s] ?? 0);
          } catch {
            /* Redis down: the gauge is absent for this scrape; /health/ready says why. */
          }
        }
      },
    });
  }

  /** Express middleware: observes every request with its route pattern (never the raw URL). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.http.startTimer();
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /**
   * The separate metrics listener (METRICS_PORT on METRICS_HOST): GET /metrics only, with the
   * bearer token when one is configured. Resolves once it listens.
   */
  async listen(opts: { port: number; host: string; token: string | null }): Promise<Server> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      try {
        assertMetricsToken(opts.token, req.headers.authorization);
      } catch {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' }).end('unauthorized\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' }).end(text),
        () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
    return server;
  }
}
