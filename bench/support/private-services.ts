/**
 * Private dependency processes for fault tests and the fault bench: a PostgreSQL cluster (initdb on
 * a temporary directory, a free port), a redis-server and an s3rver process, each of which can be
 * killed, stopped (SIGSTOP) and started again by pid — never the shared servers on 5432/6379.
 * Also the e-ISO API and worker as separate processes (`dist/src/main.js`, `dist/src/worker.js`).
 *
 * PostgreSQL refuses to run as root, and CI runs as root: there the cluster is created and run as
 * the `postgres` user (`runuser -u postgres --`), its directory owned by that user.
 */
import { ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file runs from bench/support or dist/bench/support). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** A compiled file of the project (`npm run build` first). */
export function distFile(rel: string): string {
  const file = join(repoRoot(), 'dist', rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return file;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => !isAlive(pid), timeoutMs, `process ${pid} to exit`);
}

/** Processes still running when this process exits are stopped (a failed test leaves nothing behind). */
const cleanups = new Set<() => void>();
let exitHooked = false;
function onExit(fn: () => void): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const f of cleanups) f();
    });
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL 15 cluster. */
export class PrivatePostgres {
  private unhook: () => void = () => undefined;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asPostgres: boolean,
  ) {}

  /** initdb + start on a free port (trust authentication, fsync off: a test cluster; commits still synchronous). */
  static async start(opts: { maxConnections?: number } = {}): Promise<PrivatePostgres> {
    const asPostgres = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'eiso-pg-'));
    if (asPostgres) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const pg = new PrivatePostgres(dir, await freePort(), asPostgres);
    await pg.bin('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'], 120_000);
    await pg.start(opts.maxConnections);
    return pg;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** The postmaster's pid (first line of postmaster.pid), or null when it is not running. */
  get pid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return pid && isAlive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  private async bin(name: string, args: string[], timeoutMs = 60_000): Promise<string> {
    const file = join(PG_BIN, name);
    const [cmd, argv] = this.asPostgres ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    const { stdout } = await run(cmd, argv, { timeout: timeoutMs, cwd: this.dir });
    return stdout;
  }

  private maxConnections = 100;

  async start(maxConnections = this.maxConnections): Promise<void> {
    this.maxConnections = maxConnections;
    // fsync off is safe for what these clusters suffer (a process crash, never the machine's: the
    // OS keeps written WAL). synchronous_commit stays on: with it off, a commit is acknowledged
    // before its WAL is written, and an immediate stop loses the last acknowledged writes — exactly
    // what the fault tests check never happens.
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=${maxConnections}`;
    await this.bin('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', 'start']);
    const pid = this.pid;
    this.unhook();
    this.unhook = onExit(() => {
      if (pid) {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          /* gone */
        }
      }
    });
  }

  /** pg_ctl stop: `fast` disconnects sessions (57P01) and shuts down cleanly; `immediate` is a crash. */
  async stop(mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.pid) return;
    await this.bin('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** kill -9 of the postmaster (its backends exit on their own; the next start runs crash recovery). */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
    const backends = stdout.split('\n').map(Number).filter(Boolean);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);
    // Backends notice the postmaster died and exit; the next start needs their shared memory released.
    for (const b of backends) await waitForExit(b).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    this.unhook();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One child process at a time (started again after it was killed): its pid, and a kill that waits for the exit. */
class Child {
  private proc: ChildProcess | null = null;
  private unhook: () => void = () => undefined;

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Tracks a new process (killed when this process exits). */
  track<T extends ChildProcess>(child: T): T {
    this.proc = child;
    this.unhook = onExit(() => child.kill('SIGKILL'));
    return child;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.proc?.pid) process.kill(this.proc.pid, sig);
  }

  /** Sends `sig` (a stopped process is continued first, so that SIGTERM reaches it) and waits for the exit. */
  async kill(sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = null;
    this.unhook();
    if (p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGCONT');
      p.kill(sig);
    });
  }
}

/** A private redis-server (no persistence: a restart loses every key, as a crash of an in-memory Redis does). */
export class PrivateRedis {
  private readonly child = new Child();
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.resume();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child.pid;
  }

  /** Starts it (again) on its port. */
  async resume(): Promise<void> {
    this.child.track(spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    await waitFor(() => canConnect(this.port), 10_000, 'redis-server');
  }

  /** kill -9; its data is gone. */
  stop(): Promise<void> {
    return this.child.kill('SIGKILL');
  }
}

/** An s3rver in its own process (bench/s3-server.ts) on a fixed port: it can be stopped (SIGSTOP) or killed and started again with its data. */
export class PrivateS3 {
  private readonly child = new Child();
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly bucket: string,
  ) {}

  static async start(dir: string, bucket: string): Promise<PrivateS3> {
    mkdirSync(dir, { recursive: true });
    const s = new PrivateS3(dir, await freePort(), bucket);
    await s.resume();
    return s;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child.pid;
  }

  async resume(): Promise<void> {
    const child = this.child.track(fork(distFile('bench/s3-server.js'), [this.dir, this.bucket, String(this.port)], { stdio: 'ignore' }));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
    });
  }

  /** SIGSTOP: connections are accepted by the kernel but never answered, as with a hung server. */
  freeze(): void {
    this.child.signal('SIGSTOP');
  }

  thaw(): void {
    this.child.signal('SIGCONT');
  }

  /** kill -9 (its files stay on disk for the next start). */
  kill(): Promise<void> {
    return this.child.kill('SIGKILL');
  }
}

/** A node process of the project (the API or the worker) with its output in a log file, restartable with the same environment. */
export class AppProcess {
  private readonly child = new Child();
  /** Times it was started. */
  starts = 0;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly ready: () => Promise<boolean>,
  ) {}

  get pid(): number | null {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.running;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const fd = openSync(this.logFile, 'a');
    const child = this.child.track(spawn(process.execPath, [this.script], { env: this.env, stdio: ['ignore', fd, fd], cwd: repoRoot() }));
    closeSync(fd);
    this.starts++;
    const end = Date.now() + timeoutMs;
    while (!(await this.ready())) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with code ${child.exitCode} (log: ${this.logFile})`);
      if (Date.now() > end) throw new Error(`${this.name} did not become ready (log: ${this.logFile})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** kill -9, or SIGTERM (a graceful stop). */
  stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    return this.child.kill(signal);
  }
}
