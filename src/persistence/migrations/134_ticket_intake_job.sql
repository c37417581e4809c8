-- Work that follows a ticket's intake but need not hold up its answer (issue 7, lean intake): duplicate detection
-- (重复诉求 proposals and the 多次重复诉求 flag). The intake transaction writes one row here beside the ticket, so an
-- acknowledged ticket always has its job, across a crash (kill -9) too; a worker in every `duban serve` drains the
-- table (FOR UPDATE SKIP LOCKED, so several processes never take the same row) and deletes each row in the
-- transaction that stores what it found. A job that fails waits (not_before) and is tried again.
CREATE TABLE ticket_intake_job (
  item_id      text PRIMARY KEY,
  window_days  int NOT NULL CHECK (window_days BETWEEN 1 AND 366),
  enqueued_at  timestamptz NOT NULL,
  attempts     int NOT NULL DEFAULT 0,
  not_before   timestamptz,
  last_error   text
);
CREATE INDEX ticket_intake_job_due_idx ON ticket_intake_job (enqueued_at);
