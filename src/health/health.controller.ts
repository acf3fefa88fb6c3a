import { Controller, Get, Header, Inject, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Request, Response } from 'express';
import { DomainError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { Operation } from '../common/openapi.js';
import { OwnCredentials, Public } from '../identity/auth.decorators.js';
import { RedisClient } from '../redis/redis.module.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { assertMetricsToken, MetricsService } from './metrics.service.js';

const TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: Database,
    private readonly redis: RedisClient,
    private readonly storage: ObjectStorage,
    private readonly metrics: MetricsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Get('health/live')
  @Operation('healthLive', 'Liveness: the process is up')
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Operation(
    'healthReady',
    'Readiness: PostgreSQL, Redis and object storage, each reported',
    '503 when any dependency is down; the body still lists each one. `storage.driver` names the object store in use (`local` files or `s3`).',
  )
  @ApiOkResponse({
    schema: { example: { status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' }, storage: { status: 'up', driver: 'local' } }, error: {}, details: {} } },
  })
  @ApiResponse({ status: 503, description: 'A dependency is down', schema: { example: { status: 'error', error: { redis: { status: 'down', message: 'connect ECONNREFUSED' } } } } })
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    try {
      return await this.health.check([
        () => this.indicators.check('database').attempt(async () => void (await this.db.dataSource.query('SELECT 1'))).withTimeout(TIMEOUT_MS),
        () => this.indicators.check('redis').attempt(() => this.redis.ping()).withTimeout(TIMEOUT_MS),
        () =>
          this.indicators
            .check('storage')
            .attempt(async () => {
              await this.storage.ping();
              return { driver: this.storage.driver };
            })
            .withTimeout(TIMEOUT_MS),
      ]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        res.status(503);
        return err.getResponse();
      }
      throw err;
    }
  }

  @Get('metrics')
  @OwnCredentials()
  @Header('Cache-Control', 'no-store')
  @Operation(
    'metrics',
    'Prometheus metrics: HTTP latency by route, queue depths, process',
    'Protected as configured: with METRICS_TOKEN, `Authorization: Bearer <token>` is required (401 otherwise); with METRICS_PORT, metrics are served only by ' +
      'that separate listener (METRICS_HOST, default 127.0.0.1) and this route answers 404; with neither, 404 `metrics_disabled`.',
  )
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiResponse({ status: 401, description: 'METRICS_TOKEN is set and the bearer token is missing or wrong' })
  @ApiResponse({ status: 404, description: 'Metrics are not served on this port' })
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { token, port } = this.config.metrics;
    if (port !== null || token === null) {
      throw new DomainError('metrics_disabled', port !== null ? 'Metrics are served on the metrics port only.' : 'Metrics are off: set METRICS_TOKEN (bearer token) or METRICS_PORT (a separate listener).');
    }
    assertMetricsToken(token, req.headers.authorization);
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
