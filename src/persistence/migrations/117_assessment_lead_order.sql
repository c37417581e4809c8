-- The ranking's order of units (their first item's number among the items they lead first, created before the
-- period's end): a walk of this index per unit stops at the first entry created early enough, usually the first.
-- (116's index on every share made the planner read and sort a unit's every share, 1.1 s for 3 units at 1M items.)
CREATE INDEX assessment_fact_lead1_number_idx ON assessment_fact (kind, unit_id, number) INCLUDE (created_at) WHERE share = 'lead1';
