-- The tick's last step, raising problem tickets (问题工单, src/app/tickets/hotline-kpis.ts raiseProblemTickets),
-- narrows open tickets by the counters in their snapshot: without an index that is a scan of every item
-- (9–12 s at 1M generated items, nearly all of a tick with nothing due). This partial index holds only open
-- tickets reopened or reassigned at least once; the query's thresholds (3 reopens, 2 reassignments) imply its
-- predicate, so the narrowing reads a handful of rows.
CREATE INDEX item_problem_candidates_idx ON item (id)
  WHERE kind = 'ticket' AND state_type <> 'closed'
    AND (COALESCE((snapshot->'counters'->>'reopens')::int, 0) >= 1 OR COALESCE((snapshot->'counters'->>'reassignments')::int, 0) >= 1);
