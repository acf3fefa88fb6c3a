import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/access/roles.js';
import { TEST_ADMIN_PASSWORD, TestApp } from './app.js';

export interface TestUser {
  id: string;
  username: string;
  fullName: string;
  password: string;
  token: string;
  refreshToken: string;
}

export interface TestAgency {
  id: string;
  code: string;
  name: string;
  level: string;
  parentId: string | null;
}

export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/**
 * Test data made through the API as the seeded administrator, so fixtures obey the same rules as
 * users do. Every code and username is unique per call: test files share one database.
 */
export class Fixtures {
  private admin: Promise<string> | null = null;

  constructor(private readonly t: TestApp) {}

  adminToken(): Promise<string> {
    this.admin ??= this.login('admin', TEST_ADMIN_PASSWORD).then((r) => r.token);
    return this.admin;
  }

  async login(username: string, password: string): Promise<{ token: string; refreshToken: string }> {
    const res = await this.t.http.post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: res.body.accessToken, refreshToken: res.body.refreshToken };
  }

  async agency(opts: { level?: string; parentId?: string; code?: string; name?: string } = {}): Promise<TestAgency> {
    const res = await this.t.http
      .post('/api/v1/agencies')
      .set(bearer(await this.adminToken()))
      .send({ code: opts.code ?? uniq('AG'), name: opts.name ?? 'Ủy ban nhân dân thử nghiệm', level: opts.level ?? 'province', parentId: opts.parentId });
    if (res.status !== 201) throw new Error(`agency failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A province with a department under it: the usual shape for tests. */
  async agencyTree(): Promise<{ province: TestAgency; department: TestAgency }> {
    const province = await this.agency({ level: 'province', name: 'UBND tỉnh Thử Nghiệm' });
    const department = await this.agency({ level: 'department', parentId: province.id, name: 'Sở Khoa học và Công nghệ' });
    return { province, department };
  }

  /** A user with the given roles per agency, signed in. */
  async user(roles: Record<string, Role[]> = {}, opts: { fullName?: string; title?: string; email?: string } = {}): Promise<TestUser> {
    const admin = await this.adminToken();
    const username = uniq('u').toLowerCase();
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const fullName = opts.fullName ?? 'Nguyễn Văn Thử';
    const res = await this.t.http
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ username, fullName, password, title: opts.title, email: opts.email });
    if (res.status !== 201) throw new Error(`user failed: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.id as string;
    for (const [agencyId, r] of Object.entries(roles)) {
      const m = await this.t.http.put(`/api/v1/agencies/${agencyId}/members/${id}`).set(bearer(admin)).send({ roles: r });
      if (m.status !== 201 && m.status !== 200) throw new Error(`membership failed: ${m.status} ${JSON.stringify(m.body)}`);
    }
    const { token, refreshToken } = await this.login(username, password);
    return { id, username, fullName, password, token, refreshToken };
  }
}
