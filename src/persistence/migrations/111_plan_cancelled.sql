-- 撤销下发: a confirmed plan whose every task was cancelled before any unit acted is itself cancelled.
ALTER TABLE plan DROP CONSTRAINT plan_status_check;
ALTER TABLE plan ADD CONSTRAINT plan_status_check CHECK (status IN ('draft','confirmed','discarded','cancelled'));
