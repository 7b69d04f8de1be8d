-- revision: 556b79de2825
-- down_revision: add_discovery_query
-- message: add discovery_query_id to prospects

-- Idempotent on purpose (seed section 8): databases whose tables were made by create_all may
-- already have the column and/or the foreign key, and this migration must then succeed unchanged.

-- migrate:upgrade
ALTER TABLE prospects ADD COLUMN IF NOT EXISTS discovery_query_id bigint;

DO $$
BEGIN
    -- Any foreign key from prospects(discovery_query_id) to discovery_queries counts, whatever its name.
    IF NOT EXISTS (
        SELECT 1
        FROM pg_constraint c
        JOIN pg_attribute a
          ON a.attrelid = c.conrelid
         AND a.attname = 'discovery_query_id'
        WHERE c.conrelid = 'prospects'::regclass
          AND c.confrelid = 'discovery_queries'::regclass
          AND c.contype = 'f'
          AND c.conkey = ARRAY[a.attnum]
    ) THEN
        ALTER TABLE prospects
            ADD CONSTRAINT prospects_discovery_query_id_fkey
            FOREIGN KEY (discovery_query_id) REFERENCES discovery_queries (id) ON DELETE SET NULL;
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id);

-- migrate:downgrade
DROP INDEX IF EXISTS prospects_discovery_query_id_idx;
ALTER TABLE prospects DROP CONSTRAINT IF EXISTS prospects_discovery_query_id_fkey;
ALTER TABLE prospects DROP COLUMN IF EXISTS discovery_query_id;

-- migrate:verify
SELECT discovery_query_id FROM prospects LIMIT 0;
