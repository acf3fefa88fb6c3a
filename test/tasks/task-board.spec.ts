/**
 * The task board's merge (unit level, no database): sources of several modules, each asked only for
 * its kinds, merged k-way in the shared (since, key) order with one stable cursor; counts per kind.
 */
import { Principal } from '../../src/access/principal.js';
import { DomainError } from '../../src/common/errors.js';
import { TASK_KIND_NAMES, type TaskKind } from '../../src/tasks/task-kinds.js';
import { compareTasks, mergeTaskLists, TaskBoard } from '../../src/tasks/task-board.js';
import type { TaskItem, TaskPageRequest, TaskScope, TaskSource } from '../../src/tasks/task-source.js';

const at = (second: number, micro = 0) => `2026-06-10T08:00:${String(second).padStart(2, '0')}.${String(micro).padStart(6, '0')}Z`;

function item(kind: TaskKind, id: string, sinceKey: string): TaskItem {
  return {
    sinceKey,
    key: `${kind}:${id}`,
    view: {
      kind,
      agencyId: '00000000-0000-0000-0000-000000000001',
      entityType: 'revision',
      entityId: id,
      title: `Việc ${id}`,
      documentId: null,
      code: null,
      revisionId: null,
      state: null,
      number: null,
      since: sinceKey,
      dueOn: null,
      comment: null,
      reason: null,
      flagId: null,
    },
  };
}

/** A source over fixed items, honouring kinds, cursor and limit as a SQL source does; it records what it was asked. */
class FakeSource implements TaskSource {
  readonly asked: { kinds: TaskKind[]; after: TaskPageRequest['after']; limit: number; agencyId: string | null }[] = [];
  constructor(
    readonly kinds: readonly TaskKind[],
    private readonly items: TaskItem[],
  ) {}
  async list(q: TaskPageRequest): Promise<TaskItem[]> {
    this.asked.push({ kinds: [...q.kinds], after: q.after, limit: q.limit, agencyId: q.agencyId });
    const mine = this.items.filter((i) => q.kinds.has(i.view.kind)).sort(compareTasks);
    const after = q.after;
    return mine.filter((i) => !after || compareTasks(i, { ...i, sinceKey: after.sinceKey, key: after.key }) > 0).slice(0, q.limit);
  }
  async count(q: TaskScope): Promise<Partial<Record<TaskKind, number>>> {
    const out: Partial<Record<TaskKind, number>> = {};
    for (const i of this.items) if (q.wants(i.view.kind)) out[i.view.kind] = (out[i.view.kind] ?? 0) + 1;
    return out;
  }
}

function board(sources: { name: string; source: TaskSource }[]): TaskBoard {
  const b = new TaskBoard(undefined as never, undefined as never, { grants: async () => [] } as never);
  b.register(sources);
  return b;
}

const me = new Principal('00000000-0000-0000-0000-0000000000aa', 'thu', 'Phạm Thị Thư', false, 's');

describe('task board', () => {
  // Interleaved times, with ties on `since` broken by key across sources.
  const revisions = new FakeSource(['check', 'approve', 'returned'], [
    item('check', 'a', at(1)),
    item('approve', 'b', at(3)),
    item('check', 'c', at(3)),
    item('returned', 'd', at(7, 5)),
  ]);
  const flags = new FakeSource(['review_due', 'legal_change'], [item('legal_change', 'e', at(2)), item('review_due', 'f', at(3)), item('legal_change', 'g', at(7, 4)), item('review_due', 'h', at(9))]);
  // The kinds of the other modules' sources (quality records...): present, with no tasks.
  const records = new FakeSource(TASK_KIND_NAMES.filter((k) => ![...revisions.kinds, ...flags.kinds].includes(k)), []);
  const zeros = Object.fromEntries(TASK_KIND_NAMES.map((k) => [k, 0]));
  const expected = ['check:a', 'legal_change:e', 'approve:b', 'check:c', 'review_due:f', 'legal_change:g', 'returned:d', 'review_due:h'];

  it('merges sorted lists k-way, ties by key in code-unit order', () => {
    const lists = [
      [item('check', 'x', at(1)), item('check', 'y', at(5))],
      [item('approve', 'z', at(1)), item('approve', 'w', at(6))],
      [],
      [item('legal_change', 'v', at(0))],
    ];
    expect(mergeTaskLists(lists, 10).map((i) => i.key)).toEqual(['legal_change:v', 'approve:z', 'check:x', 'check:y', 'approve:w']);
    expect(mergeTaskLists(lists, 2).map((i) => i.key)).toEqual(['legal_change:v', 'approve:z']);
  });

  it('pages through every source with one stable cursor: every task once, in order', async () => {
    const b = board([
      { name: 'Revisions', source: revisions },
      { name: 'Flags', source: flags },
      { name: 'Records', source: records },
    ]);
    for (const limit of [1, 2, 3, 5, 50]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const page = await b.list(me, { limit, cursor });
        seen.push(...page.items.map((i) => `${i.kind}:${i.entityId}`));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect({ limit, seen }).toEqual({ limit, seen: expected });
    }
    // Each source is asked for page size + 1 after the cursor.
    expect(revisions.asked.at(-1)).toEqual(expect.objectContaining({ limit: 51, after: null, kinds: ['check', 'approve', 'returned'] }));
  });

  it('asks only the sources of the kind filtered on, for that kind, and passes the agency filter', async () => {
    revisions.asked.length = 0;
    flags.asked.length = 0;
    const b = board([
      { name: 'Revisions', source: revisions },
      { name: 'Flags', source: flags },
      { name: 'Records', source: records },
    ]);
    const page = await b.list(me, { kind: 'review_due', agencyId: '00000000-0000-0000-0000-0000000000bb' });
    expect(page.items.map((i) => i.entityId)).toEqual(['f', 'h']);
    expect(revisions.asked).toEqual([]);
    expect(flags.asked).toEqual([{ kinds: ['review_due'], after: null, limit: 51, agencyId: '00000000-0000-0000-0000-0000000000bb' }]);
  });

  it('counts per kind (every kind present) and in total', async () => {
    const b = board([
      { name: 'Revisions', source: revisions },
      { name: 'Flags', source: flags },
      { name: 'Records', source: records },
    ]);
    expect(await b.counts(me, {})).toEqual({ total: 8, byKind: { ...zeros, check: 2, approve: 1, returned: 1, review_due: 2, legal_change: 2 } });
  });

  it('refuses a cursor it did not make', async () => {
    const b = board([
      { name: 'Revisions', source: revisions },
      { name: 'Flags', source: flags },
      { name: 'Records', source: records },
    ]);
    const bad = Buffer.from(JSON.stringify(['yesterday', 'check:a'])).toString('base64url');
    await expect(b.list(me, { cursor: bad })).rejects.toThrow(DomainError);
    await expect(b.list(me, { cursor: 'garbage' })).rejects.toThrow(DomainError);
  });

  it('refuses to start on a kind not in TASK_KINDS, a kind claimed twice, or a kind without a source', () => {
    const all = new FakeSource(TASK_KIND_NAMES, []);
    expect(() => board([{ name: 'All', source: all }])).not.toThrow();
    expect(() => board([{ name: 'All', source: all }, { name: 'Odd', source: new FakeSource(['audit_plan' as TaskKind], []) }])).toThrow(/'audit_plan', which is not in TASK_KINDS/);
    expect(() => board([{ name: 'All', source: all }, { name: 'Again', source: new FakeSource(['check'], []) }])).toThrow(/'check' is yielded by All and Again/);
    expect(() => board([{ name: 'Revisions', source: revisions }])).toThrow(/no task source yields review_due, legal_change/);
    expect(() => board([{ name: 'All', source: all }, { name: 'Broken', source: {} as TaskSource }])).toThrow(/not a TaskSource/);
  });

  it('refuses a source returning a kind it was not asked for', async () => {
    const liar: TaskSource = { kinds: ['review_due', 'legal_change'], list: async () => [item('check', 'x', at(1))], count: async () => ({}) };
    const b = board([
      { name: 'Revisions', source: revisions },
      { name: 'Liar', source: liar },
      { name: 'Records', source: records },
    ]);
    await expect(b.list(me, {})).rejects.toThrow(/was not asked for/);
  });
});
