-- A 督办通知单 is numbered by the office that issues it, as a 通报 is (migration 207): a district 督查室's notices are
-- its own series (青龙督办〔2026〕1号), the top's keep theirs (督办〔2026〕n号). Why: a district's notice took the
-- next number of the city's one sequence, so the city's register had gaps the district had filled and the district's
-- none of its own. `office` is '' for the top's office (every notice issued so far, and the ladder's), else the area
-- unit's id; stored on the notice, so its 落款 stays the office that issued it whatever the issuer's scope becomes.
ALTER TABLE supervision_counter ADD COLUMN office text NOT NULL DEFAULT '';
ALTER TABLE supervision_counter DROP CONSTRAINT supervision_counter_pkey;
ALTER TABLE supervision_counter ADD PRIMARY KEY (office, year);

ALTER TABLE supervision_notice ADD COLUMN office text NOT NULL DEFAULT '';
ALTER TABLE supervision_notice DROP CONSTRAINT supervision_notice_year_seq_key;
ALTER TABLE supervision_notice ADD CONSTRAINT supervision_notice_office_year_seq_key UNIQUE (office, year, seq);
-- Two offices may print the same-looking number (an admin gave them prefixes that meet); within an office it is unique.
ALTER TABLE supervision_notice DROP CONSTRAINT supervision_notice_number_key;
ALTER TABLE supervision_notice ADD CONSTRAINT supervision_notice_office_number_key UNIQUE (office, number);
