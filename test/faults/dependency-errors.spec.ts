/**
 * The dependency classifier (src/common/dependency-errors.ts): errors that mean "PostgreSQL,
 * Redis or S3 is down" are recognised by SQLSTATE, error class and socket code — the errors here
 * are the real ones the drivers raise (a closed port, a terminated backend, a failing S3) — and
 * anything else (constraint violations, bugs, a plain error merely *saying* the database is down)
 * is not. The HTTP side maps them to 503 with Retry-After (test/faults/postgres-restart.spec.ts).
 */
import { createServer, Server } from 'node:http';
import { createServer as createNetServer, Socket } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import * as Minio from 'minio';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError, CannotExecuteNotConnectedError } from 'typeorm';
import { ConnectionClosedError } from 'bullmq';
import { dependencyFailure, DependencyTimeoutError, isDependencyDown, withDependencyTimeout } from '../../src/common/dependency-errors.js';
import { Errors } from '../../src/common/errors.js';
import { toProblem } from '../../src/common/problem.js';
import { S3ObjectStorage } from '../../src/storage/s3-object-storage.js';
import { appLogger } from '../../src/common/logger.js';
import { freePort } from '../support/services.js';

// toProblem logs every 5xx; the 500 below is on purpose.
appLogger.setLevel('error');

const caught = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
};

function pgError(code: string, message: string): Error {
  const e = new pg.DatabaseError(message, message.length, 'error');
  Object.assign(e, { severity: 'FATAL', code });
  return e;
}

describe('dependency errors: classified by SQLSTATE, class and socket code', () => {
  it('PostgreSQL shutting down, starting up, crashed, out of connections: by SQLSTATE, bare or inside QueryFailedError', () => {
    for (const [code, message] of [
      ['57P01', 'terminating connection due to administrator command'],
      ['57P02', 'terminating connection because of crash of another server process'],
      ['57P03', 'the database system is shutting down'],
      ['57P03', 'hệ thống cơ sở dữ liệu đang tắt'], // a localised server: the text does not matter
      ['53300', 'sorry, too many clients already'],
      ['08006', 'connection failure'],
      ['08P01', 'protocol violation'],
    ]) {
      const e = pgError(code, message);
      expect(dependencyFailure(e)).toEqual({ dependency: 'database', reason: `SQLSTATE ${code}` });
      expect(dependencyFailure(new QueryFailedError('SELECT 1', [], e))).toEqual({ dependency: 'database', reason: `SQLSTATE ${code}` });
    }
  });

  it("TypeORM's released query runner and not-connected errors; pg's own connection errors", () => {
    expect(dependencyFailure(new QueryRunnerAlreadyReleasedError())).toMatchObject({ dependency: 'database' });
    // A transaction whose connection died between two statements (TypeORM released its runner).
    expect(dependencyFailure(new QueryRunnerProviderAlreadyReleasedError())).toMatchObject({ dependency: 'database' });
    expect(dependencyFailure(new CannotExecuteNotConnectedError())).toMatchObject({ dependency: 'database' });
    expect(isDependencyDown(new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(isDependencyDown(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDependencyDown(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it('a real terminated backend (pg_terminate_backend: 57P01) and a real refused connection', async () => {
    const url = process.env.EISO_TEST_DATABASE_URL!.replace(/\/[^/]*$/, '/postgres');
    const victim = new pg.Client({ connectionString: url });
    const killer = new pg.Client({ connectionString: url });
    victim.on('error', () => undefined);
    await victim.connect();
    await killer.connect();
    try {
      const [{ pid }] = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const running = victim.query('SELECT pg_sleep(30)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      const err = await running;
      expect(dependencyFailure(err)).toEqual({ dependency: 'database', reason: 'SQLSTATE 57P01' });
      // The client is unusable afterwards: that error is a dependency error too.
      expect(isDependencyDown(await caught(() => victim.query('SELECT 1')))).toBe(true);
    } finally {
      await killer.end();
      await victim.end().catch(() => undefined);
    }

    const closed = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'postgres' });
    expect(dependencyFailure(await caught(() => closed.connect()))).toMatchObject({ reason: 'ECONNREFUSED' });
  });

  it('a real Redis that is not there: offline-queue refusal, max retries, BullMQ connection closed, our own timeout', async () => {
    const port = await freePort();
    const noQueue = new Redis({ port, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    noQueue.on('error', () => undefined);
    expect(isDependencyDown(await caught(() => noQueue.get('x')))).toBe(true);
    noQueue.disconnect();
    const retrying = new Redis({ port, maxRetriesPerRequest: 1, retryStrategy: () => 10 });
    retrying.on('error', () => undefined);
    expect(dependencyFailure(await caught(() => retrying.get('x')))).toMatchObject({ dependency: 'redis', reason: 'MaxRetriesPerRequestError' });
    retrying.disconnect();
    expect(dependencyFailure(new ConnectionClosedError())).toMatchObject({ dependency: 'redis' });
    const timeout = await caught(() => withDependencyTimeout(new Promise(() => undefined), 10, 'redis', 'Redis'));
    expect(timeout).toBeInstanceOf(DependencyTimeoutError);
    expect(dependencyFailure(timeout)).toEqual({ dependency: 'redis', reason: 'timeout' });
  });

  it('a real S3 that is refused, or answers 503 / 500', async () => {
    const closed = new Minio.Client({ endPoint: '127.0.0.1', port: await freePort(), useSSL: false, accessKey: 'a', secretKey: 'b', pathStyle: true, region: 'us-east-1' });
    expect(dependencyFailure(await caught(() => closed.statObject('eiso-bucket', 'k')))).toMatchObject({ reason: 'ECONNREFUSED' });

    let status = 503;
    const server: Server = createServer((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': 'r1' });
      res.end(status === 500 ? '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>' : '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const failing = new Minio.Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey: 'a', secretKey: 'b', pathStyle: true, region: 'us-east-1', retryOptions: { disableRetry: true } });
      expect(dependencyFailure(await caught(() => failing.statObject('eiso-bucket', 'k')))).toMatchObject({ dependency: 'storage' });
      status = 500;
      expect(dependencyFailure(await caught(() => failing.getObject('eiso-bucket', 'k')))).toMatchObject({ dependency: 'storage' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a hung S3 (connections accepted, never answered) fails as a storage timeout; a slow body after the answer is not cut', async () => {
    const sockets = new Set<Socket>();
    const hung = createNetServer((sock) => sockets.add(sock));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const slow: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '4', 'x-amz-request-id': 'r1' });
      res.write('ab');
      setTimeout(() => res.end('cd'), 700);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const storage = (port: number) =>
      new S3ObjectStorage(`http://127.0.0.1:${port}`, { accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'eiso-bucket', region: 'us-east-1' }, 300);
    try {
      const started = Date.now();
      const err = await caught(() => storage((hung.address() as { port: number }).port).stat('content/ab/cd'));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err).toBeInstanceOf(DependencyTimeoutError);
      expect(dependencyFailure(err)).toEqual({ dependency: 'storage', reason: 'timeout' });
      const body = await storage((slow.address() as { port: number }).port).get('content/ab/cd');
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('abcd');
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => hung.close(r));
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('follows causes and aggregate errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isDependencyDown(new Error('render failed', { cause: refused }))).toBe(true);
    expect(isDependencyDown(new AggregateError([new Error('x'), refused]))).toBe(true);
    const loop: { cause?: unknown } & Error = new Error('loop');
    loop.cause = loop;
    expect(isDependencyDown(loop)).toBe(false);
  });

  it('is not fooled: constraint and syntax errors, domain errors, bugs, S3 "not found", Redis type errors, or a message merely saying so', () => {
    expect(isDependencyDown(new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key value violates unique constraint')))).toBe(false);
    expect(isDependencyDown(new QueryFailedError('SELEC', [], pgError('42601', 'syntax error')))).toBe(false);
    expect(isDependencyDown(pgError('57014', 'canceling statement due to statement timeout'))).toBe(false);
    expect(isDependencyDown(Errors.conflict('revision_open', 'x'))).toBe(false);
    expect(isDependencyDown(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDependencyDown(Object.assign(new Error('Not Found'), { name: 'S3Error', code: 'NoSuchKey' }))).toBe(false);
    expect(isDependencyDown(Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' }))).toBe(false);
    expect(isDependencyDown(new Error('the database system is shutting down'))).toBe(false);
    expect(isDependencyDown(null)).toBe(false);
    expect(isDependencyDown('ECONNREFUSED')).toBe(false);
  });

  it('maps to 503 dependency_unavailable with Retry-After, naming the dependency; anything else stays 500', () => {
    const { problem, headers } = toProblem(new QueryFailedError('SELECT 1', [], pgError('57P03', 'the database system is shutting down')));
    expect(problem).toMatchObject({ status: 503, code: 'dependency_unavailable' });
    expect(problem.detail).toMatch(/^The database is unavailable/);
    expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
    expect(toProblem(new QueryRunnerAlreadyReleasedError()).problem.status).toBe(503);
    expect(toProblem(new QueryRunnerProviderAlreadyReleasedError()).problem.status).toBe(503);
    expect(toProblem(new TypeError('bug')).problem.status).toBe(500);
  });
});
