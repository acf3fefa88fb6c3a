import { InternalAuditsService } from '../../src/internal-audits/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { Fixtures, type TestUser } from '../support/fixtures.js';
import { waitForPdf } from '../renditions/helpers.js';
import { delegate, failInserts, newProcedure, workflow, type Workflow } from '../workflow/helpers.js';
import { expectOk, quality, qualityCast, vnToday, type Quality, type QualityCast } from './helpers.js';

describe('internal audits', () => {
  let t: TestApp;
  let f: Fixtures;
  let c: QualityCast;
  let q: Quality;
  let w: Workflow;

  beforeAll(async () => {
    t = await createTestApp();
    f = new Fixtures(t);
    c = await qualityCast(f);
    q = quality(t);
    w = workflow(t);
  });
  afterAll(() => t.close());

  const plan = (extra: Record<string, unknown> = {}) => ({
    agencyId: c.agency.id,
    year: 2026,
    title: 'Đánh giá chất lượng nội bộ năm 2026',
    scope: { units: ['Bộ phận Một cửa'], processes: ['Tiếp nhận và trả kết quả'], documentIds: [] },
    plannedFrom: vnToday(1),
    plannedTo: vnToday(3),
    leadAuditorId: c.auditor.id,
    auditorIds: [c.provincialAuditor.id],
    ...extra,
  });

  /** An audit planned by the secretary, approved by the head and started by its lead. */
  async function startedAudit(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await q.createAudit(c.secretary, plan(extra));
    expectOk(created, 201, 'plan');
    expectOk(await q.approveAudit(c.head, created.body.id), 200, 'approve');
    expectOk(await q.startAudit(c.auditor, created.body.id), 200, 'start');
    return created.body.id;
  }

  it('plans with auditors holding the auditor role in the agency or an ancestor', async () => {
    expect((await q.createAudit(c.stranger, plan())).status).toBe(404);
    expect((await q.createAudit(c.staff, plan())).status).toBe(403);
    const unqualified = await q.createAudit(c.secretary, plan({ auditorIds: [c.staff.id, c.otherAuditor.id] }));
    expect(unqualified.status).toBe(422);
    expect(unqualified.body).toMatchObject({ code: 'auditor_not_qualified' });
    expect(unqualified.body.errors.map((e: { field: string }) => e.field)).toEqual(['auditorIds[0]', 'auditorIds[1]']);
    expect((await q.createAudit(c.secretary, plan({ plannedTo: vnToday(-5) }))).body.errors[0].field).toBe('plannedTo');
    const created = await q.createAudit(c.secretary, plan());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'planned', criteria: expect.stringContaining('TCVN ISO 9001:2015') });
    expect(created.body.auditors.map((a: { userId: string; lead: boolean }) => [a.userId, a.lead])).toEqual([
      [c.auditor.id, true],
      [c.provincialAuditor.id, false],
    ]);
    // The provincial auditor of the team reads the commune's audit; a stranger does not.
    expect((await q.audit(c.provincialAuditor, created.body.id)).status).toBe(200);
    expect((await q.audit(c.stranger, created.body.id)).status).toBe(404);
    expect((await q.audit(c.staff, created.body.id)).status).toBe(403);
    expect((await q.audits(c.provincialAuditor)).body.items.map((a: { id: string }) => a.id)).toContain(created.body.id);
  });

  it('approval: head or deputy "KT." with the password, never the planner or an auditor; then the lead starts it', async () => {
    const created = await q.createAudit(c.secretary, plan());
    const id = created.body.id as string;
    expect((await q.tasks(c.head)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'approve_internal_audit', entityId: id })]));
    expect((await q.approveAudit(c.stranger, id)).status).toBe(404);
    expect((await q.approveAudit(c.secretary, id)).status).toBe(403);
    expect((await q.approveAudit(c.deputy, id)).body.code).toBe('delegation_required');
    expect((await q.approveAudit(c.head, id, 'not-the-password')).status).toBe(401);
    expect((await q.startAudit(c.auditor, id)).body.code).toBe('audit_not_approved');
    await delegate(t, f, c, new Date(Date.now() - 60_000), new Date(Date.now() + 86400_000));
    const approved = await q.approveAudit(c.deputy, id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', approval: { role: 'deputy', userId: c.deputy.id, onBehalfOfName: c.head.fullName } });
    expect((await q.approveAudit(c.head, id)).body.code).toBe('audit_not_planned');
    expect((await q.tasks(c.auditor)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'conduct_internal_audit', entityId: id, state: 'approved' })]));
    expect((await q.startAudit(c.stranger, id)).status).toBe(404);
    expect((await q.startAudit(c.provincialAuditor, id)).body.code).toBe('not_lead_auditor');
    expect((await q.startAudit(c.auditor, id)).body.state).toBe('in_progress');
    expect((await q.startAudit(c.auditor, id)).status).toBe(409);
    // A head on the team cannot approve their own audit.
    const headAuditor = await f.user({ [c.agency.id]: ['head', 'auditor'] });
    const own = await q.createAudit(c.secretary, plan({ auditorIds: [headAuditor.id] }));
    expect((await q.approveAudit(headAuditor, own.body.id)).body.code).toBe('separation_of_duties');
    // The database refuses an approval signed by someone without the capacity.
    await expect(
      t.db.query(`UPDATE internal_audits SET state = 'approved', approved_by = $2, approver_name = 'x', approver_role = 'head', approved_at = now() WHERE id = $1`, [own.body.id, c.secretary.id]),
    ).rejects.toMatchObject({ code: 'P0001' });
  });

  it('findings: by the team while in progress, clause of ISO 9001, a nonconformity finding opens a nonconformity', async () => {
    const id = await startedAudit();
    const body = { kind: 'observation', clause: '7.5.3', description: 'Một số hồ sơ chưa ghi ngày nhận' };
    expect((await q.finding(c.stranger, id, body)).status).toBe(404);
    expect((await q.finding(c.staff, id, body)).status).toBe(403);
    expect((await q.finding(c.auditor2, id, body)).body.code).toBe('not_audit_team');
    expect((await q.finding(c.auditor, id, { ...body, clause: '11.2' })).body.errors[0].field).toBe('clause');
    expect((await q.finding(c.auditor, id, { ...body, kind: 'rumour' })).status).toBe(400);
    const obs = await q.finding(c.provincialAuditor, id, body);
    expect(obs.status).toBe(201);
    expect(obs.body).toMatchObject({ no: 1, kind: 'observation', nonconformityId: null, auditorName: c.provincialAuditor.fullName });
    const nc = await q.finding(c.auditor, id, { kind: 'nonconformity', clause: '8.5.1', description: 'Hồ sơ trả kết quả trễ hạn không có phiếu xin lỗi', severity: 'major' });
    expect(nc.status).toBe(201);
    expect(nc.body).toMatchObject({ no: 2, nonconformityId: expect.any(String), nonconformityCode: expect.stringMatching(/^KPH-/) });
    const opened = await q.nc(c.secretary, nc.body.nonconformityId);
    expect(opened.body).toMatchObject({ source: 'internal_audit', sourceRef: { kind: 'internal_audit', id }, severity: 'major', clause: '8.5.1', state: 'open' });
  });

  it('impartiality: an auditor does not record a finding against a document whose effective revision they drafted, checked or approved', async () => {
    const auditorDrafter = await f.user({ [c.agency.id]: ['auditor', 'drafter'] }, { fullName: 'Cao Văn Vừa Soạn' });
    const auditorChecker = await f.user({ [c.agency.id]: ['auditor', 'iso_secretary'] }, { fullName: 'Tạ Thị Vừa Kiểm' });
    const doc = await newProcedure(t, c, auditorDrafter);
    expectOk(await w.submit(auditorDrafter, doc.revisionId), 200, 'submit');
    expectOk(await w.check(auditorChecker, doc.revisionId), 200, 'check');
    expectOk(await w.approve(c.head, doc.revisionId), 200, 'approve');
    const id = await startedAudit({ auditorIds: [auditorDrafter.id, auditorChecker.id] });
    const checked = await q.finding(auditorChecker, id, { kind: 'observation', clause: '8.5.1', description: 'Bước 2 chưa rõ', documentId: doc.id });
    expect(checked.body.code).toBe('auditor_impartiality');
    const res = await q.finding(auditorDrafter, id, { kind: 'nonconformity', clause: '8.5.1', description: 'Bước 2 không đúng thời hạn', documentId: doc.id });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'auditor_impartiality', rule: 'auditor_impartiality', documentCode: doc.code, errors: [{ field: 'documentId' }] });
    expect(res.body.detail).toContain('9.2.2');
    expect(await t.db.query('SELECT id FROM nonconformities WHERE document_id = $1', [doc.id])).toHaveLength(0);
    // Another auditor of the team records it.
    expect((await q.finding(c.auditor, id, { kind: 'nonconformity', clause: '8.5.1', description: 'Bước 2 không đúng thời hạn', documentId: doc.id })).status).toBe(201);
  });

  it('a failed last write of a nonconformity finding leaves neither the finding nor its nonconformity', async () => {
    const id = await startedAudit();
    const restore = await failInserts(t, 'audit_events', 'entity_id', id);
    try {
      expect((await q.finding(c.auditor, id, { kind: 'nonconformity', clause: '9.1.3', description: 'Chưa phân tích dữ liệu' })).status).toBe(409);
    } finally {
      await restore();
    }
    expect(await t.db.query('SELECT id FROM audit_findings WHERE audit_id = $1', [id])).toHaveLength(0);
    expect(await t.db.query('SELECT id FROM nonconformities WHERE source_id = $1', [id])).toHaveLength(0);
  });

  it('the report needs a finding or a stated "no findings"; without open nonconformities the audit closes at once', async () => {
    const id = await startedAudit();
    expect((await q.report(c.provincialAuditor, id, { summary: 'x', conclusion: 'y' })).body.code).toBe('not_lead_auditor');
    const empty = await q.report(c.auditor, id, { summary: 'Đã đánh giá toàn bộ quy trình', conclusion: 'Phù hợp' });
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('audit_report_empty');
    expect((await q.report(c.auditor, id, { summary: 's', conclusion: 'c', noFindings: true, password: 'wrong' })).status).toBe(401);
    const done = await q.report(c.auditor, id, { summary: 'Đã đánh giá toàn bộ quy trình', conclusion: 'Không phát hiện điểm không phù hợp', noFindings: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'closed', report: { userId: c.auditor.id } });
    expect((await q.finding(c.auditor, id, { kind: 'strength', clause: '5.1', description: 'x' })).body.code).toBe('audit_not_in_progress');
    await expect(t.db.query(`UPDATE internal_audits SET title = 'khác' WHERE id = $1`, [id])).rejects.toMatchObject({ code: 'P0001' });
    await expect(
      t.db.query(`INSERT INTO audit_findings (audit_id, agency_id, no, kind, clause, description, auditor_id, auditor_name) VALUES ($1, $2, 9, 'strength', '5.1', 'x', $3, 'x')`, [id, c.agency.id, c.auditor.id]),
    ).rejects.toMatchObject({ code: 'P0001' });
  });

  it('closes by itself when its last nonconformity is closed; the report PDF prints every finding with diacritics', async () => {
    const id = await startedAudit();
    const findings = [
      { kind: 'nonconformity', clause: '7.5.3', description: 'Biểu mẫu BM.02/QT-05 đang dùng là phiên bản đã hết hiệu lực', evidence: 'Hồ sơ số 15/2026 tại Bộ phận Một cửa' },
      { kind: 'nonconformity', clause: '8.5.1', description: 'Phiếu kiểm soát quá trình không ghi đủ thời điểm chuyển bước' },
      { kind: 'observation', clause: '9.1.3', description: 'Chưa tổng hợp số liệu đánh giá sự hài lòng của người dân' },
      { kind: 'opportunity', clause: '10.3', description: 'Có thể số hóa sổ theo dõi để giảm sai sót' },
      { kind: 'strength', clause: '5.1.2', description: 'Lãnh đạo quan tâm, chỉ đạo sát sao việc áp dụng ISO' },
    ];
    const made: { nonconformityId: string | null }[] = [];
    for (const body of findings) {
      const res = await q.finding(c.auditor, id, body);
      expectOk(res, 201, 'finding');
      made.push(res.body);
    }
    const reported = await q.report(c.auditor, id, { summary: 'Đoàn đã đánh giá 5 quá trình tại Bộ phận Một cửa', conclusion: 'Hệ thống được duy trì phù hợp; 02 điểm không phù hợp cần khắc phục' });
    expect(reported.body.state).toBe('reported');
    const report = await q.reportJson(c.head, id);
    expect(report.body).toMatchObject({ counts: { nonconformity: 2, observation: 1, opportunity: 1, strength: 1 }, agencyName: c.agency.name });
    const pdf = await waitForPdf(t, c.head, `/internal-audits/${id}/report?format=pdf`);
    const text = pdf.pdf.pages.map((p) => p.text).join(' ');
    for (const fnd of findings) expect(text).toContain(fnd.description);
    for (const s of ['BÁO CÁO ĐÁNH GIÁ NỘI BỘ', 'Đánh giá chất lượng nội bộ năm 2026', 'Trưởng đoàn đánh giá', c.auditor.fullName, c.provincialAuditor.fullName, 'Điểm không phù hợp', 'Cơ hội cải tiến', 'Hệ thống được duy trì phù hợp']) {
      expect(text).toContain(s);
    }
    expect(pdf.headers['content-disposition']).toContain(encodeURIComponent('Báo cáo đánh giá nội bộ năm 2026.pdf'));
    expect((await q.reportJson(c.stranger, id)).status).toBe(404);

    const close = async (ncId: string, doer: TestUser) => {
      const nc = await q.nc(c.secretary, ncId);
      const patched = await q.patchNc(c.secretary, ncId, { correction: 'Thu hồi ngay', rootCause: 'Chưa rà soát định kỳ' }, nc.body.etag);
      expectOk(patched, 200, 'root cause');
      const a = await q.addAction(c.secretary, ncId, { description: 'Rà soát và thu hồi', responsibleUserId: doer.id, dueOn: vnToday(7) });
      expectOk(await q.complete(doer, a.body.id), 200, 'complete');
      expectOk(await q.verify(c.auditor2, ncId, true), 200, 'verify');
    };
    await close(made[0].nonconformityId!, c.drafter);
    expect((await q.audit(c.head, id)).body.state).toBe('reported');
    await close(made[1].nonconformityId!, c.staff);
    const closed = await q.audit(c.head, id);
    expect(closed.body).toMatchObject({ state: 'closed', closedAt: expect.any(String) });
    expect(closed.body.findings.map((x: { nonconformityState: string | null }) => x.nonconformityState)).toEqual(['closed', 'closed', null, null, null]);
    const events = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, id`, [id]);
    expect(events.map((e) => e.action)).toEqual([
      'internal_audit.planned',
      'internal_audit.approved',
      'internal_audit.started',
      ...findings.map(() => 'internal_audit.finding_added'),
      'internal_audit.reported',
      'internal_audit.closed',
    ]);
    const summary = await t.app.get(InternalAuditsService).summaryForYear(c.agency.id, 2026);
    expect(summary.audits.find((a) => a.id === id)).toMatchObject({ state: 'closed', findings: { nonconformity: 2, observation: 1, opportunity: 1, strength: 1 }, nonconformitiesOpen: 0 });
  });
});
