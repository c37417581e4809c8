-- 群众常说的说法 of a service category (欠薪, 讨薪 for 拖欠工资): the operator's category search on the 受理台
-- matches them besides the name and the path. Part of a category's version like its name and limits.
ALTER TABLE service_category ADD COLUMN keywords text[] NOT NULL DEFAULT '{}';
