-- The scheduler's round waits while a plan is being confirmed (src/app/plans/confirm-gate.ts): it asks, once a second at
-- most, whether a plan is 'confirming' with a hold renewed lately. Only plans being confirmed are in this index.
CREATE INDEX plan_confirming_at_idx ON plan (confirming_at) WHERE status = 'confirming';
