import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Database } from '../database/database.js';
import { Operation } from '../common/openapi.js';
import { Public } from '../identity/auth.decorators.js';
import { RedisClient } from '../redis/redis.module.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { MetricsService } from './metrics.service.js';

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
  @Header('Cache-Control', 'no-store')
  @Operation('metrics', 'Prometheus metrics: HTTP latency by route, queue depths, process')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
