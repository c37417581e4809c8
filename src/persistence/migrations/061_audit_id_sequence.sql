-- Rows written before 060 were inserted with an explicit seq, so the sequence that now numbers ids never
-- moved: without this, the first new row would take id 1 again. Next id = highest id + 1.
SELECT setval('audit_log_id_seq', COALESCE((SELECT max(id) FROM audit_log), 0) + 1, false);
