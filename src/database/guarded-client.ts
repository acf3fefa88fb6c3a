import pg from 'pg';
import { appLogger } from '../common/logger.js';

/**
 * The pg client of every pooled connection, with an 'error' listener from its first moment.
 *
 * pg emits 'error' on a client that has no query running when its connection dies (a PostgreSQL
 * restart sends FATAL 57P01 to every session). pg-pool listens while a client is idle and TypeORM
 * while a query runner holds it, but between the two there are moments with no listener — a new
 * connection whose first reply and the server's FATAL arrive in one packet, TypeORM's start-up
 * queries — and an 'error' event nobody listens to ends the process. Observed in the fault soak: the
 * worker died on a PostgreSQL restart. The pool and TypeORM still remove the broken client; this
 * listener only keeps the process alive.
 */
export class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    let reported = false;
    this.on('error', (err: Error) => {
      if (reported) return;
      reported = true;
      appLogger.write('warn', 'PostgreSQL connection lost', { err: err.message, code: (err as { code?: string }).code });
    });
  }
}
