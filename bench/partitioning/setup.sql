CREATE TABLE t_plain (
  item_id text NOT NULL, channel text NOT NULL, category_code text NOT NULL, urgency text NOT NULL,
  requester_phone text, address text NOT NULL DEFAULT '', lat float8, lng float8, place_unit_id text, content text NOT NULL,
  received_at timestamptz NOT NULL, citizen_rating text, rated_at timestamptz,
  address_key text GENERATED ALWAYS AS (regexp_replace(lower(address), '[^0-9a-z一-鿿]', '', 'g')) STORED,
  search_stale boolean NOT NULL DEFAULT false,
  PRIMARY KEY (item_id));
CREATE TABLE t_part (LIKE t_plain INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY RANGE (received_at);
ALTER TABLE t_part ADD PRIMARY KEY (item_id, received_at);
DO $$ DECLARE m date := date '2024-01-01'; BEGIN
  WHILE m < date '2027-01-01' LOOP
    EXECUTE format('CREATE TABLE t_part_%s PARTITION OF t_part FOR VALUES FROM (%L) TO (%L)', to_char(m,'YYYYMM'), (m::timestamp AT TIME ZONE 'Asia/Shanghai'), ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
    m := m + interval '1 month';
  END LOOP; END $$;
CREATE TABLE t_part_default PARTITION OF t_part DEFAULT;
DO $$ DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['t_plain','t_part'] LOOP
  EXECUTE format('CREATE INDEX ON %I (address_key, received_at) WHERE address_key <> %L', t, '');
  EXECUTE format('CREATE INDEX ON %I (category_code, received_at)', t);
  EXECUTE format('CREATE INDEX ON %I (lat, lng) WHERE lat IS NOT NULL', t);
  EXECUTE format('CREATE INDEX ON %I (requester_phone, received_at) WHERE requester_phone IS NOT NULL', t);
  EXECUTE format('CREATE INDEX ON %I (place_unit_id, received_at)', t);
  EXECUTE format('CREATE INDEX ON %I (received_at)', t);
  EXECUTE format('CREATE INDEX ON %I (received_at) WHERE search_stale', t);
END LOOP; END $$;
INSERT INTO t_plain (item_id, channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at)
SELECT gen_random_uuid()::text, 'phone', 'C' || (g % 90), 'normal', '139' || lpad((g % 50000)::text, 8, '0'), '建设路' || (g % 3000) || '号', 'u' || (g % 60),
       '路灯坏了' || g, timestamptz '2024-01-01 00:00+08' + make_interval(secs => g * 263.0)
  FROM generate_series(1, 360000) g;
INSERT INTO t_part (item_id, channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at)
SELECT item_id, channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at FROM t_plain;
CREATE TABLE ids AS SELECT row_number() OVER () AS n, item_id FROM t_plain;
ALTER TABLE ids ADD PRIMARY KEY (n);
VACUUM ANALYZE;
