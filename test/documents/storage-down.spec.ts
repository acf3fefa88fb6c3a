import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { createTestApp, TestApp } from '../support/app.js';
import { bearer, Fixtures } from '../support/fixtures.js';
import { API, cast, Cast, code, createDocument, makeEffective, uploadFile } from './helpers.js';
import { pdf } from './samples.js';

describe('documents: object storage down', () => {
  let s3: EmbeddedS3;
  let t: TestApp;
  let c: Cast;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'eiso-s3down-'));
    s3 = await startEmbeddedS3(join(dataDir, 's3'), 0, 'eiso-test');
    t = await createTestApp({ S3_ENDPOINT: s3.endpoint, DATA_DIR: dataDir });
    c = await cast(new Fixtures(t));
  });
  afterAll(async () => {
    await t.close();
    await s3.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 and records nothing when S3 is unreachable', async () => {
    const d = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu' });
    const first = await uploadFile(t, c.drafter, d.draftId, 'trước.pdf', pdf(randomUUID()));
    expect(first.status).toBe(201);
    const inForce = await createDocument(t, c.drafter, { agencyId: c.agency.id, type: 'other', code: code('TL'), title: 'Tài liệu hiện hành' });
    expect((await uploadFile(t, c.drafter, inForce.draftId, 'hiện hành.pdf', pdf(randomUUID()), 'source')).status).toBe(201);
    await makeEffective(t, inForce.draftId);
    await s3.close();

    const bytes = pdf(randomUUID());
    const res = await uploadFile(t, c.drafter, d.draftId, 'sau.pdf', bytes);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('dependency_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
    const files = await t.db.query<{ id: string }[]>('SELECT id FROM revision_files WHERE revision_id = $1', [d.draftId]);
    expect(files.map((f) => f.id)).toEqual([first.body.id]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await t.db.query('SELECT 1 FROM stored_objects WHERE sha256 = $1', [sha])).toHaveLength(0);
    const added = await t.db.query(`SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = 'file.added'`, [d.draftId]);
    expect(added).toHaveLength(1);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);

    const download = await t.http.get(`${API}/revisions/${d.draftId}/files/${first.body.id}`).set(bearer(c.drafter.token));
    expect(download.status).toBe(503);
    // A download of a file in force that could not be served is not recorded as taken.
    const current = await t.http.get(`${API}/documents/${inForce.id}/current/file?variant=source`).set(bearer(c.staff.token));
    expect(current.status).toBe(503);
    expect(await t.db.query(`SELECT 1 FROM audit_events WHERE action = 'file.downloaded' AND changes->>'documentId' = $1`, [inForce.id])).toHaveLength(0);
    // The rest of the register keeps working.
    expect((await t.http.get(`${API}/documents/${d.id}`).set(bearer(c.drafter.token))).status).toBe(200);
  });
});
