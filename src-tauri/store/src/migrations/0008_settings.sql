-- Preferences stored with the registry, so the app and the CLI agree on them (first: how many automatic
-- backups to keep). Values are text; the code that reads a key parses and range-checks it.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
