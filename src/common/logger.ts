import type { LoggerService } from '@nestjs/common';
import { RequestContexts } from './request-context.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * Structured JSON logs, one object per line, with the request id of the current request.
 * Used as the Nest logger and directly (`appLogger`) by the bootstrap code.
 */
export class JsonLogger implements LoggerService {
  constructor(private level: LogLevel = 'info') {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  write(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    const ctx = RequestContexts.current();
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...fields };
    if (ctx && line.requestId === undefined) line.requestId = ctx.requestId;
    const out = JSON.stringify(line, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v));
    (LEVELS[level] >= LEVELS.warn ? process.stderr : process.stdout).write(out + '\n');
  }

  private split(params: unknown[]): { context?: string; fields: Record<string, unknown> } {
    const fields: Record<string, unknown> = {};
    let context: string | undefined;
    for (const p of params) {
      if (typeof p === 'string' && context === undefined) context = p;
      else if (p instanceof Error) fields.err = p;
      else if (p && typeof p === 'object') Object.assign(fields, p);
      else if (typeof p === 'string') fields.stack = p;
    }
    return { context, fields };
  }

  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    const { context, fields } = this.split(params);
    if (message instanceof Error) {
      fields.err = message;
      message = message.message;
    } else if (message && typeof message === 'object') {
      Object.assign(fields, message);
      message = (message as { msg?: string }).msg ?? '';
    }
    this.write(level, String(message), context ? { context, ...fields } : fields);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context); keep the stack as a field.
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
}

/** The process logger; entry points set its level from the validated configuration. */
export const appLogger = new JsonLogger('info');
