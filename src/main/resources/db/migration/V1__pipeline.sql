-- Batches, shots and jobs: the pipeline's source of truth. Kafka consumers write here in one short
-- transaction; the job worker drives remote generation from these rows.

-- Sequences step by 50 so that Hibernate can batch inserts of large batches.
create sequence batch_seq increment by 50;
create sequence shot_seq increment by 50;
create sequence outbox_event_seq increment by 50;

create table batch (
    id                bigint primary key,
    team              text        not null,
    campaign          text        not null,
    batch_key         text        not null,
    aspect_ratio      text        not null,
    draft_model       text        not null,
    final_model       text        not null,
    budget_usd        numeric(12, 2),
    payload_sha256    text        not null,
    state             text        not null,
    shot_count        integer     not null,
    drafts_open       integer     not null,
    manifest_dirty    boolean     not null default true,
    manifest_key      text        not null,
    drafted_at        timestamptz,
    created_at        timestamptz not null default now(),
    constraint batch_team_key unique (team, batch_key)
);

create index batch_manifest_dirty on batch (id) where manifest_dirty;

create table shot (
    id                  bigint primary key,
    batch_id            bigint      not null references batch (id),
    shot_key            text        not null,
    position            integer     not null,
    prompt              text        not null,
    aspect_ratio        text        not null,
    reference_image_url text,
    state               text        not null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint shot_batch_key unique (batch_id, shot_key)
);

create table job (
    id               uuid primary key,
    shot_id          bigint      not null references shot (id),
    stage            text        not null,
    revision         integer     not null,
    model            text        not null,
    provider         text        not null,
    prompt           text        not null,
    seconds          integer     not null,
    width            integer     not null,
    height           integer     not null,
    state            text        not null,
    failure_kind     text,
    failure_reason   text,
    provider_job_id  text,
    attempts         integer     not null default 0,
    last_error       text,
    next_attempt_at  timestamptz not null default now(),
    lease_owner      text,
    lease_until      timestamptz,
    object_key       text        not null,
    poster_key       text        not null,
    sha256           text,
    size_bytes       bigint,
    probed_seconds   double precision,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    landed_at        timestamptz,
    constraint job_shot_stage_revision unique (shot_id, stage, revision)
);

-- The worker's claim query reads only jobs that still need work.
create index job_due on job (next_attempt_at)
    where state in ('PENDING', 'SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING');

create table outbox_event (
    id            bigint primary key,
    event_id      uuid        not null unique,
    topic         text        not null,
    message_key   text,
    event_type    text        not null,
    payload       text        not null,
    created_at    timestamptz not null default now(),
    published_at  timestamptz
);

create index outbox_unpublished on outbox_event (id) where published_at is null;

-- Every refused batch is kept with its raw payload, so nothing sent to Reelflow is lost.
create table batch_rejection (
    id           bigserial primary key,
    batch_key    text,
    team         text,
    reasons      text        not null,
    payload      text        not null,
    kafka_topic  text,
    kafka_partition integer,
    kafka_offset bigint,
    received_at  timestamptz not null default now()
);
