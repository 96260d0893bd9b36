-- Finals longer than one provider call are made as segments, each started from the previous one's last
-- frame, and joined. A job works its segments in order; each landed segment is recorded here.

alter table job add column segment_count integer not null default 1;
alter table job add column segment_index integer not null default 0;

create table job_segment (
    job_id          uuid        not null references job (id),
    segment_index   integer     not null,
    seconds         integer     not null,
    provider_job_id text        not null,
    object_key      text        not null,
    sha256          text        not null,
    landed_at       timestamptz not null default now(),
    primary key (job_id, segment_index)
);
