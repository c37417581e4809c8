-- The issuing office's own particulars for the documents it sends (落款, 文号 prefixes): one row.
CREATE TABLE office_profile (
  id               smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  issuing_office   text NOT NULL,          -- 落款, e.g. 云州市人民政府督查室
  bulletin_prefix  text NOT NULL,          -- 通报文号前缀, e.g. 云督通 → 云督通〔2026〕3号
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- 通报 numbers, per year, as 督办单 numbers are (supervision_counter).
CREATE TABLE bulletin_counter (
  year  integer PRIMARY KEY,
  last  integer NOT NULL
);
