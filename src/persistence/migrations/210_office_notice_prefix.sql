-- An office's own 督办通知单 文号 prefix, set apart from its 通报 prefix (a 督查室 may number its notices 青督字 while
-- its 通报 are 青龙督通). NULL keeps what it printed before: the top's 督办, an area's from its 通报 prefix
-- (青龙督通 → 青龙督办, domain/units/area-office.ts).
ALTER TABLE office_profile ADD COLUMN notice_prefix text;
ALTER TABLE area_office ADD COLUMN notice_prefix text;
