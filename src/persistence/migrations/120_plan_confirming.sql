-- Confirming a plan in chunks (src/app/plans/confirm-plan.ts, docs/write-path.md): while its tasks are written, one short
-- transaction per chunk, the plan is 'confirming', held by the confirm doing it (confirming_token) under a lease renewed
-- with every chunk (confirming_at). A confirm that fails undoes what it wrote and puts the plan back to 'draft'; one that
-- finds a lease gone stale (a crashed process) does the same before it starts.
ALTER TABLE plan DROP CONSTRAINT plan_status_check;
ALTER TABLE plan ADD CONSTRAINT plan_status_check CHECK (status IN ('draft','confirming','confirmed','discarded','cancelled'));
ALTER TABLE plan ADD COLUMN confirming_token text;
ALTER TABLE plan ADD COLUMN confirming_at timestamptz;
