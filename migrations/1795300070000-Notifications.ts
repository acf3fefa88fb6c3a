import type { MigrationInterface, QueryRunner } from 'typeorm';

/** In-app notifications, with the state of their e-mail copy. */
export class Notifications1795300070000 implements MigrationInterface {
  name = 'Notifications1795300070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        agency_id uuid REFERENCES agencies(id) ON DELETE CASCADE,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        entity_type text,
        entity_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        email_status text NOT NULL CHECK (email_status IN ('pending', 'sent', 'skipped', 'failed')),
        email_sent_at timestamptz,
        email_error text
      )`);
    await q.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`);
    await q.query(`CREATE INDEX notifications_email_pending_idx ON notifications (created_at) WHERE email_status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notifications`);
  }
}
