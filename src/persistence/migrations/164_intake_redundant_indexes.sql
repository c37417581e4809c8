-- Two indexes every ticket intake writes and no query needs (issue 7, lean ticket intake: fewer index entries per
-- ticket). Each is a leading prefix of a wider index that serves every query that could use it:
-- - ticket_phone_idx (requester_phone), migration 050: the only statements that filter on requester_phone are
--   equalities with a non-null value (duplicates.repo.ts duplicateCandidates `t.requester_phone = $5 ... ORDER BY
--   t.received_at DESC`, tickets.repo.ts findTicketByNumberPhone, which starts from item.number), and an equality
--   implies the partial predicate of ticket_phone_received_idx (requester_phone, received_at) WHERE requester_phone
--   IS NOT NULL (migration 101), which also gives the duplicates query its order.
-- - item_unit_unit_idx (unit_id), migration 010: item_unit_unit_item_idx (unit_id, item_id) (migration 070) has the
--   same leading column; every `unit_id = …` / `unit_id = ANY(…)` probe can use it.
DROP INDEX IF EXISTS ticket_phone_idx;
DROP INDEX IF EXISTS item_unit_unit_idx;
