-- A member department's account belongs to one department (a `department` code) (SQLite): it
-- answers the contact sheets addressed to that department and no other.
ALTER TABLE users ADD COLUMN department TEXT;
