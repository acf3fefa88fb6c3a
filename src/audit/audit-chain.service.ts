import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { Principal } from '../access/principal.js';
import { Errors } from '../common/errors.js';
import { Database } from '../database/database.js';
import { AllChainsVerification, ChainBreakReason, ChainBreakView, ChainVerification } from './audit-events.dto.js';
import { ChainCheckRow, checkChains, SqlRunner, SYSTEM_CHAIN } from './audit-sql.js';

/** The longest a verification may run (a chain of roughly 100 million events). */
const VERIFY_TIMEOUT_SECONDS = 300;

/** The first break of a chain: the smallest seq, and at equal seq the most fundamental reason. */
function firstBreak(row: ChainCheckRow): { seq: number; reason: ChainBreakReason } | null {
  const candidates: [string | null, ChainBreakReason][] = [
    [row.gap_seq, 'seq_gap'],
    [row.link_seq, 'prev_hash_mismatch'],
    [row.hash_seq, 'hash_mismatch'],
  ];
  let best: { seq: number; reason: ChainBreakReason } | null = null;
  for (const [seq, reason] of candidates) {
    if (seq !== null && (best === null || Number(seq) < best.seq)) best = { seq: Number(seq), reason };
  }
  return best;
}

function agencyOfChain(chain: string): string | null {
  return chain === SYSTEM_CHAIN ? null : chain;
}

/**
 * Verifies the audit hash chains. Verification reveals only integrity (counts, ids and hashes),
 * never event content, so the system administrator may verify any chain; others need `audit.read`
 * on the agency.
 */
@Injectable()
export class AuditChainService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
  ) {}

  async verify(p: Principal, agencyId: string | undefined): Promise<ChainVerification> {
    if (agencyId === undefined) {
      if (!p.isAdmin) {
        throw Errors.validation([{ field: 'agencyId', message: 'is required (only the system administrator verifies the system chain)' }]);
      }
      return this.verifyChain(SYSTEM_CHAIN);
    }
    if (!(await this.access.agencyPath(agencyId))) throw Errors.notFound('Agency');
    if (!p.isAdmin) await this.access.assert(p, 'audit.read', agencyId, 'Agency');
    return this.verifyChain(agencyId);
  }

  async verifyAll(p: Principal): Promise<AllChainsVerification> {
    if (!p.isAdmin) throw Errors.forbidden('Only the system administrator verifies every chain at once.');
    return this.db.transaction(async () => {
      await this.allowLongScan();
      const rows = await checkChains(this.run);
      const broken: ChainBreakView[] = [];
      let checked = 0;
      for (const row of rows) {
        checked += Number(row.checked);
        const b = firstBreak(row);
        if (b) broken.push({ agencyId: agencyOfChain(row.chain), firstBrokenEventId: await this.eventIdAt(row.chain, b.seq), firstBrokenSeq: b.seq, reason: b.reason });
      }
      return { ok: broken.length === 0, chains: rows.length, checked, broken, verifiedAt: new Date().toISOString() };
    }, 'REPEATABLE READ');
  }

  /** Checks one chain; the count, the break and the head come from one snapshot. */
  async verifyChain(chain: string): Promise<ChainVerification> {
    return this.db.transaction(async () => {
      await this.allowLongScan();
      const [row] = await checkChains(this.run, chain);
      const head = await this.db.query<{ seq: string; hash: string }[]>(
        'SELECT seq, hash FROM audit_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1',
        [chain],
      );
      const result: ChainVerification = {
        ok: true,
        checked: row ? Number(row.checked) : 0,
        agencyId: agencyOfChain(chain),
        headSeq: head.length ? Number(head[0].seq) : null,
        headHash: head.length ? head[0].hash : null,
        verifiedAt: new Date().toISOString(),
      };
      const b = row ? firstBreak(row) : null;
      if (b) {
        result.ok = false;
        result.firstBrokenEventId = await this.eventIdAt(chain, b.seq);
        result.firstBrokenSeq = b.seq;
        result.reason = b.reason;
      }
      return result;
    }, 'REPEATABLE READ');
  }

  /**
   * Verification reads whole chains (about 3 s per million events here): it may run longer than the
   * pool's 60 s statement timeout that protects ordinary requests, up to this limit.
   */
  private async allowLongScan(): Promise<void> {
    await this.db.query(`SET LOCAL statement_timeout = '${VERIFY_TIMEOUT_SECONDS}s'`);
  }

  /** Runs SQL in the current transaction. */
  private readonly run: SqlRunner = (sql, params) => this.db.query(sql, params);

  private async eventIdAt(chain: string, seq: number): Promise<string> {
    const rows = await this.db.query<{ id: string }[]>('SELECT id FROM audit_events WHERE chain = $1 AND seq = $2', [chain, seq]);
    return rows[0].id;
  }
}
