-- revision: 000000000000
-- down_revision: None
-- message: create base tables

-- The three core tables of the prospecting app: background jobs, prospects and the emails sent to them.

-- migrate:upgrade
CREATE TABLE jobs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type        text        NOT NULL,
    status      text        NOT NULL DEFAULT 'pending'
                CONSTRAINT jobs_status_check
                CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    payload     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    attempts    integer     NOT NULL DEFAULT 0 CONSTRAINT jobs_attempts_check CHECK (attempts >= 0),
    run_at      timestamptz NOT NULL DEFAULT now(),
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_status_run_at_idx ON jobs (status, run_at);

CREATE TABLE prospects (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text        NOT NULL CONSTRAINT prospects_email_check CHECK (email <> ''),
    name        text,
    company     text,
    website     text,
    source      text,
    status      text        NOT NULL DEFAULT 'new'
                CONSTRAINT prospects_status_check
                CHECK (status IN ('new', 'contacted', 'replied', 'qualified', 'unqualified', 'bounced', 'unsubscribed')),
    notes       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- One prospect per address, whatever its capitalisation.
CREATE UNIQUE INDEX prospects_email_lower_key ON prospects (lower(email));
CREATE INDEX prospects_status_idx ON prospects (status);

CREATE TABLE email_logs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prospect_id bigint      NOT NULL
                CONSTRAINT email_logs_prospect_id_fkey REFERENCES prospects (id) ON DELETE CASCADE,
    subject     text        NOT NULL,
    body        text,
    status      text        NOT NULL DEFAULT 'queued'
                CONSTRAINT email_logs_status_check
                CHECK (status IN ('queued', 'sent', 'delivered', 'opened', 'replied', 'bounced', 'failed')),
    message_id  text,
    sent_at     timestamptz,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_logs_prospect_id_idx ON email_logs (prospect_id);

-- migrate:downgrade
DROP TABLE email_logs;
DROP TABLE prospects;
DROP TABLE jobs;

-- migrate:verify
SELECT id, type, status, payload, attempts, run_at, error, created_at, updated_at FROM jobs LIMIT 0;
SELECT id, email, name, company, website, source, status, notes, created_at, updated_at FROM prospects LIMIT 0;
SELECT id, prospect_id, subject, body, status, message_id, sent_at, error, created_at, updated_at FROM email_logs LIMIT 0;
