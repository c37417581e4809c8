-- Assessment counters drained by the scheduler (issue 7): the supervision round drains assessment_dirty within a
-- time budget, and a read answers from the counters as they stand, saying how stale they are. For that each entry
-- of the log carries when it was queued (the queuing transaction's start): the oldest entry still in the log is
-- the oldest change the counters do not yet hold. Entries queued before this migration read as queued now.
-- A constant default (now() is evaluated once for the rows already there): no table rewrite, also at 10M entries.
ALTER TABLE assessment_dirty ADD COLUMN at timestamptz NOT NULL DEFAULT now();
