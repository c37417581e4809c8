-- A district's own 督查室 (or any area's below the top of the unit tree): its 落款 and 通报 文号 prefix, so the
-- 通报 a district's supervisor issues over its own scope is signed and numbered by the district (青龙督通〔2026〕1号),
-- not with the city's one number of the period. The top of the tree keeps office_profile; an area without a row
-- here prints the one derived from its name (青龙区人民政府督查室, 青龙督通).
CREATE TABLE area_office (
  unit_id          text PRIMARY KEY REFERENCES unit(id),
  issuing_office   text NOT NULL,
  bulletin_prefix  text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Each office counts and keeps its own numbers: '' is the top's office (every number issued so far), else the
-- area unit's id.
ALTER TABLE bulletin_counter ADD COLUMN office text NOT NULL DEFAULT '';
ALTER TABLE bulletin_counter DROP CONSTRAINT bulletin_counter_pkey;
ALTER TABLE bulletin_counter ADD PRIMARY KEY (office, year);

ALTER TABLE bulletin_issue ADD COLUMN office text NOT NULL DEFAULT '';
ALTER TABLE bulletin_issue DROP CONSTRAINT bulletin_issue_pkey;
ALTER TABLE bulletin_issue ADD PRIMARY KEY (office, period_key, kind);
-- Two offices may print the same-looking number (an admin gave them one prefix); within an office it is unique.
ALTER TABLE bulletin_issue DROP CONSTRAINT bulletin_issue_number_key;
ALTER TABLE bulletin_issue ADD CONSTRAINT bulletin_issue_office_number_key UNIQUE (office, number);
