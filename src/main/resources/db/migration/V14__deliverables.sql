-- Placements: what a shot is delivered for, where its picture is kept when cropped, its caption lines.
alter table shot add column deliverables text,
                 add column focus_x double precision,
                 add column focus_y double precision,
                 add column captions text;

-- The batch's brand kit (logo, end card, AI label), as the batch gave it.
alter table batch add column brand text;

-- One file per placement of a delivered shot, cut from a master by the delivery worker. Leased like a job, so a
-- crash loses nothing and a stored file is never made again.
create table deliverable (
    id               uuid primary key,
    shot_id          bigint      not null references shot (id),
    master_job_id    uuid        not null references job (id),
    placement        text        not null,
    position         integer     not null,
    spec             text        not null,
    state            text        not null,
    attempts         integer     not null default 0,
    last_error       text,
    next_attempt_at  timestamptz not null default now(),
    lease_owner      text,
    lease_until      timestamptz,
    object_key       text        not null,
    vtt_key          text,
    srt_key          text,
    sha256           text,
    size_bytes       bigint,
    seconds          double precision,
    width            integer,
    height           integer,
    integrated_lufs  double precision,
    true_peak_dbtp   double precision,
    passes           integer,
    created_at       timestamptz not null default now(),
    delivered_at     timestamptz,
    constraint deliverable_shot_placement unique (shot_id, placement)
);

create index deliverable_due on deliverable (next_attempt_at) where state = 'PENDING';
create index deliverable_shot on deliverable (shot_id);

-- A shot whose placements need both orientations has a final of each: one per take and frame.
alter table job drop constraint job_shot_stage_revision_take;
alter table job add constraint job_shot_stage_revision_take_frame unique (shot_id, stage, revision, take, width, height);
