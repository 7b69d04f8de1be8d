-- revision: add_discovery_query
-- down_revision: 4b9608290b5d
-- message: add discovery_queries table

-- migrate:upgrade
CREATE TABLE discovery_queries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    query        text        NOT NULL CONSTRAINT discovery_queries_query_check CHECK (query <> ''),
    source       text        NOT NULL DEFAULT 'manual',
    status       text        NOT NULL DEFAULT 'pending'
                 CONSTRAINT discovery_queries_status_check
                 CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    result_count integer     NOT NULL DEFAULT 0 CONSTRAINT discovery_queries_result_count_check CHECK (result_count >= 0),
    last_run_at  timestamptz,
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX discovery_queries_status_idx ON discovery_queries (status);

-- migrate:downgrade
DROP TABLE discovery_queries;

-- migrate:verify
SELECT id, query, source, status, result_count, last_run_at, error, created_at, updated_at FROM discovery_queries LIMIT 0;
