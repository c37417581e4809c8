-- Assessment (考核): composite-score weights per item kind; the figures themselves are computed on demand.

CREATE TABLE assessment_weights (
  kind        text PRIMARY KEY,
  weights     jsonb NOT NULL,                   -- {onTimeRate, overdue, targetsMet, reportingPunctuality}
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
