-- Working-day calendar (工作日历) years supplied by an admin, laid over the built-in official years:
-- a row replaces the built-in year of the same number or adds a year not shipped yet.

CREATE TABLE calendar_year (
  year        int PRIMARY KEY CHECK (year BETWEEN 1949 AND 2200),
  data        jsonb NOT NULL,                   -- a CalendarYear { year, holidays, adjustedWorkdays, source, note? }
  source      text NOT NULL,                    -- the notice, e.g. 国办发明电〔2025〕7号 (copied for listing)
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
