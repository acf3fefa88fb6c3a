/**
 * The generic immutability triggers of quality records (migrations/1795301600000-RecordGuards.ts),
 * attached to scratch tables made by this test (and dropped after it): record_guard on a record
 * table, record_child_guard on its children. Refusals are SQLSTATE P0001 → 409 immutable_record.
 */
import { randomBytes } from 'node:crypto';
import { toProblem } from '../src/common/problem.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('record guards: frozen records and their children refuse changes in the database', () => {
  let t: TestApp;
  const tag = randomBytes(4).toString('hex');
  // Mixed case and a space: the trigger arguments must be quoted, never concatenated.
  const audits = `"Scratch Audits ${tag}"`;
  const findings = `scratch_findings_${tag}`;
  const notes = `scratch_notes_${tag}`;

  const q = <T = unknown>(sql: string, params?: unknown[]) => t.db.query<T>(sql, params);
  const sqlstate = async (sql: string, params?: unknown[]): Promise<string | null> => {
    try {
      await q(sql, params);
      return null;
    } catch (err) {
      return (err as { driverError?: { code?: string } }).driverError?.code ?? 'unknown';
    }
  };
  const audit = async (state = 'planned') => (await q<{ id: string }[]>(`INSERT INTO ${audits} ("State", title) VALUES ($1, 'Đánh giá nội bộ') RETURNING id`, [state]))[0].id;

  beforeAll(async () => {
    t = await createTestApp();
    await q(`CREATE TABLE ${audits} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "State" text NOT NULL, title text NOT NULL, closed_at timestamptz, note text, updated_at timestamptz NOT NULL DEFAULT now())`);
    await q(`CREATE TRIGGER guard BEFORE UPDATE OR DELETE ON ${audits} FOR EACH ROW
               EXECUTE FUNCTION record_guard('State', 'reported, closed', 'reported->closed: closed_at, updated_at', 'closed->closed: note')`);
    await q(`CREATE TRIGGER no_truncate BEFORE TRUNCATE ON ${audits} FOR EACH STATEMENT EXECUTE FUNCTION reject_change()`);
    await q(`CREATE TABLE ${findings} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), audit_id uuid REFERENCES ${audits}(id) ON DELETE CASCADE, description text NOT NULL)`);
    await q(`CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON ${findings} FOR EACH ROW
               EXECUTE FUNCTION record_child_guard('${audits.replace(/'/g, "''")}', 'audit_id', 'State', 'reported,closed')`);
  });

  afterAll(async () => {
    await q(`DROP TABLE IF EXISTS ${notes}`);
    await q(`DROP TABLE IF EXISTS ${findings}`);
    await q(`DROP TABLE IF EXISTS ${audits}`);
    await t.close();
  });

  it('lets a record change and be deleted until it is frozen', async () => {
    const id = await audit();
    await q(`UPDATE ${audits} SET title = 'Kế hoạch đánh giá nội bộ năm 2026' WHERE id = $1`, [id]);
    await q(`UPDATE ${audits} SET "State" = 'approved' WHERE id = $1`, [id]);
    await q(`UPDATE ${audits} SET "State" = 'reported', note = 'Báo cáo' WHERE id = $1`, [id]);
    const other = await audit('approved');
    expect(await sqlstate(`DELETE FROM ${audits} WHERE id = $1`, [other])).toBeNull();
  });

  it('refuses any change or deletion of a frozen record, except the transitions and columns it allows', async () => {
    const id = await audit('reported');
    expect(await sqlstate(`UPDATE ${audits} SET title = 'Sửa lại' WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`UPDATE ${audits} SET note = note WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`DELETE FROM ${audits} WHERE id = $1`, [id])).toBe('P0001');
    // reported → approved is no allowed move.
    expect(await sqlstate(`UPDATE ${audits} SET "State" = 'approved' WHERE id = $1`, [id])).toBe('P0001');
    // reported → closed may set closed_at and updated_at only.
    expect(await sqlstate(`UPDATE ${audits} SET "State" = 'closed', closed_at = now(), title = 'x' WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`UPDATE ${audits} SET "State" = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, [id])).toBeNull();
    // closed: only the note, and never back.
    expect(await sqlstate(`UPDATE ${audits} SET note = 'Lưu trữ' WHERE id = $1`, [id])).toBeNull();
    expect(await sqlstate(`UPDATE ${audits} SET note = 'Lưu trữ', closed_at = now() WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`UPDATE ${audits} SET "State" = 'reported' WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`DELETE FROM ${audits} WHERE id = $1`, [id])).toBe('P0001');
    expect(await sqlstate(`TRUNCATE ${audits} CASCADE`)).toBe('P0001');
    const [row] = await q<{ State: string; title: string; note: string }[]>(`SELECT "State", title, note FROM ${audits} WHERE id = $1`, [id]);
    expect(row).toEqual({ State: 'closed', title: 'Đánh giá nội bộ', note: 'Lưu trữ' });
  });

  it('freezes children with their parent: no insert, update, delete or move while the parent is frozen', async () => {
    const open = await audit();
    const [f] = await q<{ id: string }[]>(`INSERT INTO ${findings} (audit_id, description) VALUES ($1, 'Biểu mẫu cũ') RETURNING id`, [open]);
    await q(`UPDATE ${findings} SET description = 'Biểu mẫu BM.01 cũ' WHERE id = $1`, [f.id]);
    await q(`UPDATE ${audits} SET "State" = 'reported' WHERE id = $1`, [open]);
    expect(await sqlstate(`INSERT INTO ${findings} (audit_id, description) VALUES ($1, 'Thêm sau')`, [open])).toBe('P0001');
    expect(await sqlstate(`UPDATE ${findings} SET description = 'Sửa sau' WHERE id = $1`, [f.id])).toBe('P0001');
    expect(await sqlstate(`DELETE FROM ${findings} WHERE id = $1`, [f.id])).toBe('P0001');
    // Moving a child out of a frozen parent, or into one, is refused too.
    const other = await audit();
    expect(await sqlstate(`UPDATE ${findings} SET audit_id = $2 WHERE id = $1`, [f.id, other])).toBe('P0001');
    const [g] = await q<{ id: string }[]>(`INSERT INTO ${findings} (audit_id, description) VALUES ($1, 'Điểm lưu ý') RETURNING id`, [other]);
    expect(await sqlstate(`UPDATE ${findings} SET audit_id = $2 WHERE id = $1`, [g.id, open])).toBe('P0001');
    // A child without a parent is not checked; a deletable parent takes its children with it.
    expect(await sqlstate(`INSERT INTO ${findings} (audit_id, description) VALUES (NULL, 'Không gắn')`)).toBeNull();
    expect(await sqlstate(`DELETE FROM ${audits} WHERE id = $1`, [other])).toBeNull();
    expect(await q(`SELECT 1 FROM ${findings} WHERE id = $1`, [g.id])).toEqual([]);
    expect(await q<{ description: string }[]>(`SELECT description FROM ${findings} WHERE id = $1`, [f.id])).toEqual([{ description: 'Biểu mẫu BM.01 cũ' }]);
  });

  it('a refusal is a 409 immutable_record problem', async () => {
    const id = await audit('closed');
    let caught: unknown;
    try {
      await q(`UPDATE ${audits} SET title = 'x' WHERE id = $1`, [id]);
    } catch (err) {
      caught = err;
    }
    expect(toProblem(caught).problem).toEqual(expect.objectContaining({ status: 409, code: 'immutable_record' }));
    expect(String((caught as Error).message)).toContain(`is closed: only note may change (closed -> closed)`);
  });

  it('arguments that do not fit the table fail loudly at the first change', async () => {
    await q(`CREATE TABLE ${notes} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), audit_id uuid, state text NOT NULL DEFAULT 'draft')`);
    await q(`INSERT INTO ${notes} DEFAULT VALUES`);
    const attach = async (fn: string) => {
      await q(`DROP TRIGGER IF EXISTS guard ON ${notes}`);
      await q(`CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON ${notes} FOR EACH ROW EXECUTE FUNCTION ${fn}`);
    };
    await attach(`record_guard('status', 'draft')`);
    expect(await sqlstate(`UPDATE ${notes} SET state = 'x'`)).toBe('42703');
    await attach(`record_guard('state', 'draft', 'draft to final')`);
    expect(await sqlstate(`UPDATE ${notes} SET state = 'final'`)).toBe('22023');
    await attach(`record_guard('state')`);
    expect(await sqlstate(`UPDATE ${notes} SET state = 'final'`)).toBe('22023');
    await attach(`record_child_guard('no_such_table_${tag}', 'audit_id', 'state', 'closed')`);
    expect(await sqlstate(`INSERT INTO ${notes} (audit_id) VALUES (gen_random_uuid())`)).toBe('42P01');
    await attach(`record_child_guard('${audits.replace(/'/g, "''")}', 'parent_id', 'State', 'closed')`);
    expect(await sqlstate(`INSERT INTO ${notes} (audit_id) VALUES (gen_random_uuid())`)).toBe('42703');
  });
});
