/**
 * The revision lifecycle has one owner. The transition table (src/documents/revision-moves.ts,
 * applied by RevisionLifecycle) and the database's guard (the revisions_guard trigger) agree on
 * every (from, to) pair: each pair of the table passes the trigger with exactly the SQL the
 * lifecycle runs (its stamps included), every other pair is refused by the trigger, and a revision
 * is born a draft. No other source file changes a revision's state or withdraws a document.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REVISION_STATES, RevisionState } from '../../src/documents/document-types.js';
import { moveSql } from '../../src/documents/revision-lifecycle.js';
import { isLifecyclePair, LIFECYCLE_PAIRS, MoveStamp, REVISION_MOVES, RevisionMove } from '../../src/documents/revision-moves.js';
import { createTestApp, TestApp } from '../support/app.js';
import { Fixtures, uniq } from '../support/fixtures.js';

/** The table's move for a pair. */
function moveOf(from: RevisionState, to: RevisionState): RevisionMove {
  return (Object.keys(REVISION_MOVES) as RevisionMove[]).find((m) => REVISION_MOVES[m].from.includes(from) && REVISION_MOVES[m].to === to)!;
}

/** The shortest way from a new draft to `state` along the table's pairs. */
function pathTo(state: RevisionState): RevisionState[] {
  const paths = new Map<RevisionState, RevisionState[]>([['draft', ['draft']]]);
  const queue: RevisionState[] = ['draft'];
  while (queue.length) {
    const at = queue.shift()!;
    for (const [f, t] of LIFECYCLE_PAIRS) {
      if (f === at && !paths.has(t)) {
        paths.set(t, [...paths.get(at)!, t]);
        queue.push(t);
      }
    }
  }
  return paths.get(state)!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the revision lifecycle table and the revisions_guard trigger', () => {
  let t: TestApp;
  let agencyId: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({}, { workers: false });
    const f = new Fixtures(t);
    const agency = await f.agency();
    const user = await f.user({ [agency.id]: ['drafter'] });
    agencyId = agency.id;
    userId = user.id;
  });
  afterAll(() => t.close());

  const values = (at: Date): Record<MoveStamp, unknown> => ({
    approved_at: at,
    effective_from: at,
    effective_at: at,
    number: 1,
    superseded_at: at,
    obsolete_at: at,
  });

  /** A document of its own with one revision, moved along the table's own SQL to `state`. */
  async function revisionIn(state: RevisionState): Promise<string> {
    const code = uniq('LC').toUpperCase();
    const [doc] = await t.db.query<{ id: string }[]>(
      `INSERT INTO documents (agency_id, type, code, code_key, title, created_by) VALUES ($1, 'other', $2, lower($2), 'Bảng chuyển trạng thái', $3) RETURNING id`,
      [agencyId, code, userId],
    );
    const [rev] = await t.db.query<{ id: string }[]>(`INSERT INTO revisions (document_id, agency_id, state, author_id) VALUES ($1, $2, 'draft', $3) RETURNING id`, [
      doc.id,
      agencyId,
      userId,
    ]);
    const path = pathTo(state);
    for (let i = 1; i < path.length; i++) await move(rev.id, path[i - 1], path[i]);
    return rev.id;
  }

  /** Runs the lifecycle's own UPDATE for the pair. */
  async function move(revisionId: string, from: RevisionState, to: RevisionState): Promise<number> {
    const { sql, params } = moveSql(REVISION_MOVES[moveOf(from, to)], from, values(new Date()));
    params[0] = revisionId;
    return (await t.db.execute(sql, params)).affected;
  }

  it('every (from, to) pair: the table allows it ⇔ the trigger lets it through', async () => {
    const outcomes: string[] = [];
    for (const from of REVISION_STATES) {
      for (const to of REVISION_STATES) {
        if (from === to) continue;
        const id = await revisionIn(from);
        if (isLifecyclePair(from, to)) {
          expect([from, to, await move(id, from, to)]).toEqual([from, to, 1]);
          const [row] = await t.db.query<{ state: string }[]>('SELECT state FROM revisions WHERE id = $1', [id]);
          expect(row.state).toBe(to);
          outcomes.push(`${from}>${to}: allowed`);
        } else {
          // Stamps that satisfy the table's CHECKs, so that only the trigger can refuse it.
          const stamps = to === 'effective' || to === 'superseded' ? ', effective_at = now(), number = 1' : '';
          const extra = to === 'superseded' ? ', superseded_at = now()' : to === 'obsolete' ? ', obsolete_at = now()' : '';
          const err = await t.db.query(`UPDATE revisions SET state = $2${stamps}${extra} WHERE id = $1`, [id, to]).then(
            () => null,
            (e: { driverError?: { code?: string; message?: string } }) => e.driverError,
          );
          expect([from, to, err?.code, err?.message]).toEqual([from, to, 'P0001', expect.stringContaining(`cannot move from ${from} to ${to}`)]);
          const [row] = await t.db.query<{ state: string }[]>('SELECT state FROM revisions WHERE id = $1', [id]);
          expect(row.state).toBe(from);
          outcomes.push(`${from}>${to}: refused`);
        }
      }
    }
    expect(outcomes).toHaveLength(REVISION_STATES.length * (REVISION_STATES.length - 1));
    expect(outcomes.filter((o) => o.endsWith('allowed'))).toHaveLength(LIFECYCLE_PAIRS.filter(([f]) => f !== null).length);
  });

  it('a revision is born a draft (null → draft is the only creation pair)', async () => {
    const [doc] = await t.db.query<{ id: string }[]>(
      `INSERT INTO documents (agency_id, type, code, code_key, title, created_by) VALUES ($1, 'other', $2, lower($2), 'Sinh ra là dự thảo', $3) RETURNING id`,
      [agencyId, uniq('LC').toUpperCase(), userId],
    );
    for (const state of REVISION_STATES) {
      const insert = t.db.query(
        `INSERT INTO revisions (document_id, agency_id, state, author_id, number, effective_at, superseded_at, obsolete_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          doc.id,
          agencyId,
          state,
          userId,
          ['effective', 'superseded'].includes(state) ? 1 : null,
          ['effective', 'superseded'].includes(state) ? new Date() : null,
          state === 'superseded' ? new Date() : null,
          state === 'obsolete' ? new Date() : null,
        ],
      );
      if (isLifecyclePair(null, state)) {
        const [row] = (await insert) as { id: string }[];
        await t.db.query('DELETE FROM revisions WHERE id = $1', [row.id]);
      } else {
        await expect(insert).rejects.toMatchObject({ driverError: { code: 'P0001', message: expect.stringContaining('a revision is created as a draft') } });
      }
    }
    expect(LIFECYCLE_PAIRS.filter(([f]) => f === null)).toEqual([[null, 'draft']]);
  });

  it('every move of the table is a person-checked move or a consequence the system makes, with a 409 code', () => {
    for (const [name, rule] of Object.entries(REVISION_MOVES)) {
      expect([name, rule.by.length > 0, /^revision_/.test(rule.conflict), rule.action.startsWith('revision.')]).toEqual([name, true, true, true]);
      if (rule.requires.includes('password')) expect([name, rule.reauthPurpose]).toEqual([name, expect.any(String)]);
    }
  });

  it('no other source file changes the state of a revision or withdraws a document', () => {
    const root = join(process.cwd(), 'src');
    const owner = join('documents', 'revision-lifecycle.ts');
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      const name = relative(root, file);
      if (name === owner) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/UPDATE\s+revisions\s+SET([^`]*)/gi)) if (/\bstate\s*=/.test(m[1])) offenders.push(`${name}: ${m[0].slice(0, 60)}`);
      for (const m of text.matchAll(/UPDATE\s+documents\s+SET([^`]*)/gi)) if (/withdrawn_at/.test(m[1])) offenders.push(`${name}: ${m[0].slice(0, 60)}`);
      if (/transitions\.record\(/.test(text)) offenders.push(`${name}: records transitions`);
    }
    expect(offenders).toEqual([]);
  });
});
