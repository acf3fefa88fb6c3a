import type pg from 'pg';

/**
 * A generated province with `count` departments under it, for the bench scripts: ids are
 * md5('<key>-<i>')::uuid (i = 0 for the province, 1..count for the departments), codes `<code>-P`
 * and `<code>-0001`..., names "Cơ quan <i>".
 */
export async function insertAgencyTree(db: pg.Client, opts: { key: string; code: string; count: number }): Promise<void> {
  const { key, code, count } = opts;
  await db.query(
    `INSERT INTO agencies (id, code, name, level, parent_id, path)
     VALUES (md5($1 || '-0')::uuid, $2 || '-P', 'UBND tỉnh Bench', 'province', NULL, '/' || md5($1 || '-0')::uuid || '/')`,
    [key, code],
  );
  await db.query(
    `INSERT INTO agencies (id, code, name, level, parent_id, path)
     SELECT md5($1 || '-' || i)::uuid, $2 || '-' || lpad(i::text, 4, '0'), 'Cơ quan ' || i, 'department', md5($1 || '-0')::uuid,
            '/' || md5($1 || '-0')::uuid || '/' || md5($1 || '-' || i)::uuid || '/'
       FROM generate_series(1, $3::int) AS i`,
    [key, code, count],
  );
}
