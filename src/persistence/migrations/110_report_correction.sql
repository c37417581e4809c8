-- 更正进展: a progress report corrected with a reason. The original body and figures stay in body and
-- target_values (shown, marked 已更正); the correction in force lives beside them; each correction is audited.
ALTER TABLE progress_report ADD COLUMN corrected_body text;
ALTER TABLE progress_report ADD COLUMN corrected_target_values jsonb;
ALTER TABLE progress_report ADD COLUMN correction_reason text;
ALTER TABLE progress_report ADD COLUMN corrected_by text;
ALTER TABLE progress_report ADD COLUMN corrected_at timestamptz;
ALTER TABLE progress_report ADD COLUMN corrections int NOT NULL DEFAULT 0;
