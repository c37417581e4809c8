-- The admin's audit screen filters by person, item (entity id), action and date, newest first, paged by id:
-- each filter has an index that ends in id, so a page is read from the index however long the log grows.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
