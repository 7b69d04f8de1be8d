-- revision: 4b9608290b5d
-- down_revision: 000000000000
-- message: add settings table

-- migrate:upgrade
CREATE TABLE settings (
    key         text        PRIMARY KEY CONSTRAINT settings_key_check CHECK (key <> ''),
    value       jsonb       NOT NULL DEFAULT 'null'::jsonb,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- migrate:downgrade
DROP TABLE settings;

-- migrate:verify
SELECT key, value, description, created_at, updated_at FROM settings LIMIT 0;
