CREATE OR REPLACE FUNCTION v7(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') || substr(md5(random()::text), 1, 20) $$;
CREATE OR REPLACE FUNCTION v7b(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') $$;
CREATE TABLE t_idpart (LIKE t_plain INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY RANGE (item_id);
ALTER TABLE t_idpart ADD PRIMARY KEY (item_id);
DO $$ DECLARE m date := date '2024-01-01'; BEGIN
  WHILE m < date '2027-01-01' LOOP
    EXECUTE format('CREATE TABLE t_idpart_%s PARTITION OF t_idpart FOR VALUES FROM (%L) TO (%L)', to_char(m,'YYYYMM'), v7b(m::timestamp AT TIME ZONE 'Asia/Shanghai'), v7b((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
    m := m + interval '1 month';
  END LOOP; END $$;
CREATE TABLE t_idpart_default PARTITION OF t_idpart DEFAULT;
CREATE INDEX ON t_idpart (address_key, received_at) WHERE address_key <> '';
CREATE INDEX ON t_idpart (category_code, received_at);
CREATE INDEX ON t_idpart (lat, lng) WHERE lat IS NOT NULL;
CREATE INDEX ON t_idpart (requester_phone, received_at) WHERE requester_phone IS NOT NULL;
CREATE INDEX ON t_idpart (place_unit_id, received_at);
CREATE INDEX ON t_idpart (received_at);
CREATE INDEX ON t_idpart (received_at) WHERE search_stale;
INSERT INTO t_idpart (item_id, channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at)
SELECT v7(received_at), channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at FROM t_plain;
CREATE TABLE ids7 AS SELECT row_number() OVER () AS n, item_id FROM t_idpart;
ALTER TABLE ids7 ADD PRIMARY KEY (n);
VACUUM ANALYZE;
