-- An account may belong to a person of the registry (a chief's or ranger's own account), so that
-- the server can tell whether the caller is, say, the person an incident is assigned to.
ALTER TABLE users ADD COLUMN person_id TEXT REFERENCES people (id);
