import { Module, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../../src/database/database.js';
import { NonconformitiesService, NonconformitySourceWatcher, type NonconformitySourceWatcherHandler } from '../../src/nonconformities/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { Fixtures } from '../support/fixtures.js';

/** A module of another source, as inspections will be: it learns when its object's nonconformities are all closed. */
@Injectable()
@NonconformitySourceWatcher('complaint')
class ComplaintWatcher implements NonconformitySourceWatcherHandler {
  readonly closed: { id: string; inTransaction: boolean }[] = [];
  constructor(private readonly db: Database) {}
  async onSourceClosed(sourceId: string, manager: EntityManager): Promise<void> {
    this.closed.push({ id: sourceId, inTransaction: !!manager.queryRunner?.isTransactionActive && this.db.manager === manager });
  }
}

@Module({ providers: [ComplaintWatcher] })
class ComplaintModule {}

describe('nonconformities: the API other modules call', () => {
  let t: TestApp;
  let f: Fixtures;
  beforeAll(async () => {
    t = await createTestApp({}, { modules: [ComplaintModule] });
    f = new Fixtures(t);
  });
  afterAll(() => t.close());

  it("opens a nonconformity inside the caller's transaction, and nothing when the caller rolls back", async () => {
    const agency = await f.agency();
    const user = await f.user({ [agency.id]: ['iso_secretary'] });
    const db = t.app.get(Database);
    const ncs = t.app.get(NonconformitiesService);
    const ref = { kind: 'complaint', id: '00000000-0000-4000-8000-000000000001' };
    await expect(
      db.dataSource.transaction(async (manager) => {
        await ncs.open({ agencyId: agency.id, source: 'complaint', sourceRef: ref, severity: 'minor', description: 'Công dân phản ánh chậm trả kết quả', createdBy: user.id }, manager);
        throw new Error('the caller fails after');
      }),
    ).rejects.toThrow('the caller fails after');
    expect(await t.db.query('SELECT id FROM nonconformities WHERE agency_id = $1', [agency.id])).toHaveLength(0);
    expect(await t.db.query(`SELECT id FROM audit_events WHERE agency_id = $1 AND action = 'nonconformity.opened'`, [agency.id])).toHaveLength(0);

    const nc = await db.dataSource.transaction((manager) =>
      ncs.open({ agencyId: agency.id, source: 'complaint', sourceRef: ref, severity: 'major', description: 'Công dân phản ánh chậm trả kết quả', clause: '8.5.1', createdBy: user.id }, manager),
    );
    expect(nc).toMatchObject({ state: 'open', number: 1, source: 'complaint', sourceId: ref.id, severity: 'major' });
    expect(await t.db.query(`SELECT id FROM audit_events WHERE entity_id = $1 AND action = 'nonconformity.opened'`, [nc.id])).toHaveLength(1);
  });

  it('refuses bad input naming the field', async () => {
    const agency = await f.agency();
    const user = await f.user({ [agency.id]: ['iso_secretary'] });
    await expect(
      t.app.get(NonconformitiesService).open({ agencyId: agency.id, source: 'inspection', severity: 'minor', description: 'x', clause: '11.1', createdBy: user.id }),
    ).rejects.toMatchObject({ code: 'validation_failed', errors: [{ field: 'clause', message: expect.any(String) }] });
  });

  it('summarises open, overdue and closed for a period', async () => {
    const agency = await f.agency();
    const user = await f.user({ [agency.id]: ['iso_secretary'] });
    const ncs = t.app.get(NonconformitiesService);
    await ncs.open({ agencyId: agency.id, source: 'process', severity: 'minor', description: 'Thiếu sổ theo dõi', createdBy: user.id });
    const s = await ncs.summary(agency.id, { from: new Date(Date.now() - 86400_000), to: new Date(Date.now() + 86400_000) });
    expect(s).toMatchObject({ open: 1, overdue: 0, closed: 0, bySource: { process: 1 } });
    expect(s.items[0]).toMatchObject({ code: 'KPH-001', state: 'open' });
  });

  it('exposes the watcher registry to other modules', () => {
    expect(t.app.get(ComplaintWatcher).closed).toEqual([]);
  });
});
