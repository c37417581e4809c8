-- 撤回: a 督办单 sent by mistake is withdrawn with a reason (never deleted); the record keeps who and when.
ALTER TABLE supervision_notice DROP CONSTRAINT supervision_notice_status_check;
ALTER TABLE supervision_notice ADD CONSTRAINT supervision_notice_status_check CHECK (status IN ('issued','replied','withdrawn'));
ALTER TABLE supervision_notice ADD COLUMN withdraw_reason text;
ALTER TABLE supervision_notice ADD COLUMN withdrawn_by text;
ALTER TABLE supervision_notice ADD COLUMN withdrawn_at timestamptz;
