-- Audit rows are written unsealed and sealed into the hash chain later (docs/audit.md).
-- A writer inserts (at, actor, action, entity, before/after) in its own transaction, one statement, no lock,
-- no read; `id` comes from the sequence. One sealer at a time (advisory lock) gives committed unsealed rows
-- their chain position `seq` and `prev_hash`/`hash`. Existing rows are already sealed and keep seq and hash;
-- their id is their seq, and the old seq sequence goes on numbering ids.
ALTER TABLE audit_log ADD COLUMN id bigint;
UPDATE audit_log SET id = seq;
ALTER TABLE audit_log ALTER COLUMN seq DROP DEFAULT;
ALTER SEQUENCE audit_log_seq_seq RENAME TO audit_log_id_seq;
ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq');
ALTER TABLE audit_log ALTER COLUMN id SET NOT NULL;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
-- One row per chain position: even two sealers that somehow ran at once could not both commit a seq.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_key UNIQUE (seq);
-- A row is sealed entirely or not at all.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_sealed_whole
  CHECK ((seq IS NULL AND prev_hash IS NULL AND hash IS NULL) OR (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL));
-- What the sealer looks for; small, since rows leave it within a second or so.
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;
