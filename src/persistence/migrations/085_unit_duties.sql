-- A unit's responsibilities (职责 / 权责清单 text), which the dispatch suggester (智能派单) learns from before any
-- ticket has closed. Free text; empty when nobody has written it.
ALTER TABLE unit ADD COLUMN duties text NOT NULL DEFAULT '';
