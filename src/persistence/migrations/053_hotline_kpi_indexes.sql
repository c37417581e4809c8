-- 12345 KPIs: problem tickets with a reopen or reassignment in a period are found through this partial index
-- instead of every event of the period (EXPLAIN on 1M generated tickets: a month's 550k events read to find 9k).
CREATE INDEX hotline_event_rework_idx ON hotline_event(at) WHERE event IN ('reopen', 'reassign');
