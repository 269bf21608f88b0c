-- Canonical warehouse tables (see ../shared/DESIGN.md, "Canonical tables").
--
-- All timestamps are naive TIMESTAMPs holding UTC: every source's local time is
-- converted at ingestion with that source's configured time zone.
-- Keys are documented, not declared: DuckDB's ART indexes would slow bulk loads of
-- millions of rows several-fold, so the pipeline enforces uniqueness itself (it
-- replaces rows by key inside each file's transaction).
-- Durations are seconds (DOUBLE). Percent scores are 0-100.

CREATE TABLE IF NOT EXISTS centres (
    centre_id  VARCHAR NOT NULL,   -- key
    name       VARCHAR NOT NULL,
    sourcing   VARCHAR NOT NULL,   -- 'in_house' | 'vendor'
    vendor     VARCHAR,            -- vendor company; NULL for in-house centres
    shore      VARCHAR NOT NULL,   -- 'onshore' | 'nearshore' | 'offshore'
    country    VARCHAR NOT NULL,   -- ISO 3166-1 alpha-2
    timezone   VARCHAR NOT NULL    -- IANA name the centre's exports are written in
);

CREATE TABLE IF NOT EXISTS contacts (
    centre_id      VARCHAR NOT NULL,   -- key (with contact_id)
    contact_id     VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,   -- 'voice' | 'chat' | 'email' | other deferred channels
    queue          VARCHAR,
    contact_reason VARCHAR NOT NULL,   -- shared reason code; 'unknown' when not given
    agent_id       VARCHAR,
    customer_key   VARCHAR,            -- salted SHA-256 of the normalised identifier
    started_at     TIMESTAMP NOT NULL, -- UTC
    answered       BOOLEAN NOT NULL,
    abandoned      BOOLEAN NOT NULL,
    wait_s         DOUBLE,
    talk_s         DOUBLE,
    hold_s         DOUBLE,
    wrap_s         DOUBLE,
    transferred    BOOLEAN,            -- NULL: the centre does not export it
    complaint      BOOLEAN,            -- NULL: the centre does not export it
    load_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS surveys (
    centre_id    VARCHAR NOT NULL,   -- key (with survey_id)
    survey_id    VARCHAR NOT NULL,
    contact_id   VARCHAR,            -- the surveyed contact at the same centre, if known
    responded_at TIMESTAMP NOT NULL, -- UTC
    csat_raw     DOUBLE,             -- answer on the source's own scale
    csat_lo      DOUBLE,             -- the source's scale [lo, hi]
    csat_hi      DOUBLE,
    csat         DOUBLE,             -- 1 + 4 * (csat_raw - lo) / (hi - lo): a 1-5 value
    nps          INTEGER,            -- 0-10 likelihood to recommend
    resolved     BOOLEAN,            -- customer says the issue was resolved
    comment      VARCHAR,
    load_id      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS qa_evaluations (
    centre_id     VARCHAR NOT NULL,  -- key (with evaluation_id)
    evaluation_id VARCHAR NOT NULL,
    contact_id    VARCHAR,
    agent_id      VARCHAR,
    evaluator_id  VARCHAR,
    evaluator_org VARCHAR NOT NULL,  -- 'own' (the centre's QA team) | 'client' (the client's)
    evaluated_at  TIMESTAMP NOT NULL,-- UTC
    score_pct     DOUBLE NOT NULL,   -- 0-100
    critical_fail BOOLEAN NOT NULL,
    load_id       BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS qa_sections (
    centre_id     VARCHAR NOT NULL,  -- key (with evaluation_id, section)
    evaluation_id VARCHAR NOT NULL,
    section       VARCHAR NOT NULL,  -- 'accuracy' | 'empathy' | 'brand' | 'compliance' | 'process'
    score_pct     DOUBLE NOT NULL    -- 0-100
);

CREATE TABLE IF NOT EXISTS loads (
    load_id       BIGINT NOT NULL,   -- key
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,  -- of the file's bytes: the same content loads once
    centre_id     VARCHAR,
    kind          VARCHAR NOT NULL,  -- 'contacts' | 'surveys' | 'qa' | 'reported' (a file may feed several)
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    started_at    TIMESTAMP NOT NULL,-- UTC
    finished_at   TIMESTAMP,         -- UTC
    status        VARCHAR NOT NULL,  -- 'loaded' | 'failed' | 'replaced' (by a --reload)
    message       VARCHAR,
    rows_filtered BIGINT NOT NULL DEFAULT 0, -- left out by the config's row filters
    config_sha256 VARCHAR            -- of the export's config when it loaded (stale check)
);

-- Warehouses made before these columns existed (CREATE TABLE IF NOT EXISTS keeps them).
ALTER TABLE loads ADD COLUMN IF NOT EXISTS rows_filtered BIGINT DEFAULT 0;
ALTER TABLE loads ADD COLUMN IF NOT EXISTS config_sha256 VARCHAR;

CREATE TABLE IF NOT EXISTS rejects (
    load_id     BIGINT NOT NULL,     -- key (with row_number, column_name)
    row_number  BIGINT NOT NULL,     -- 1-based data row in the file (header rows not counted)
    column_name VARCHAR,             -- the source column at fault, NULL for whole-row problems
    reason      VARCHAR NOT NULL,
    raw_row     VARCHAR              -- the row as read, JSON; identifier columns already hashed
);

-- Optional since complaint and transfer flags may be missing from an export (a NULL is
-- "not provided", never a made-up false); idempotent on warehouses made before.
ALTER TABLE contacts ALTER COLUMN transferred DROP NOT NULL;
ALTER TABLE contacts ALTER COLUMN complaint DROP NOT NULL;

-- A vendor's own figures (the `reported` export kind): one value per centre, metric and
-- period, reconciled with the warehouse's own by pipelines/metrics/reconciliation.py. A
-- later load restating the same key replaces the value.
CREATE TABLE IF NOT EXISTS reported_figures (
    centre_id    VARCHAR NOT NULL,   -- key (with metric, grain, period_start)
    metric       VARCHAR NOT NULL,   -- a metric id of the catalogue
    grain        VARCHAR NOT NULL,   -- 'month' | 'week'
    period_start DATE NOT NULL,      -- first day of the calendar month / Monday of the ISO week
    value        DOUBLE NOT NULL,    -- in the metric's unit: percent 0-100, seconds, ...
    metric_label VARCHAR,            -- the metric as the report wrote it ("CSAT %")
    load_id      BIGINT NOT NULL
);

-- The agent roster (the `roster` export kind): one row per employment spell. Key
-- (centre_id, agent_id, hired_on): a rehired agent has a second row with the later
-- hired_on; a later export restating a spell (say, now with left_on) replaces it. Dates
-- are the centre's calendar dates. left_on is the last day employed (NULL while
-- employed): the agent counts as employed on hired_on..left_on, both days included.
CREATE TABLE IF NOT EXISTS agents (
    centre_id VARCHAR NOT NULL,   -- key (with agent_id, hired_on)
    agent_id  VARCHAR NOT NULL,   -- as the contacts exports name the agent
    hired_on  DATE NOT NULL,
    left_on   DATE,               -- last day employed; NULL while employed
    load_id   BIGINT NOT NULL
);

-- Staff survey answers (the `staff_surveys` export kind): eNPS 0-10 per response.
CREATE TABLE IF NOT EXISTS staff_surveys (
    centre_id    VARCHAR NOT NULL,   -- key (with response_id)
    response_id  VARCHAR NOT NULL,   -- the export's id, or a synthetic one
    agent_id     VARCHAR,            -- NULL for anonymous surveys
    responded_at TIMESTAMP NOT NULL, -- UTC
    enps         INTEGER,            -- 0-10 "would you recommend working here"
    load_id      BIGINT NOT NULL
);
