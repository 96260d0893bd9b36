-- Review and promotion: decisions on drafts, revisions with lineage, finals, and the prompt library.

alter table batch add column review_policy text not null default 'manual';
alter table batch add column shots_open integer;
update batch set shots_open = shot_count;
alter table batch alter column shots_open set not null;
alter table batch add column delivered_at timestamptz;

alter table shot add column review_policy text not null default 'manual';
alter table shot add column current_revision integer not null default 1;
alter table shot add column closed_at timestamptz;

-- Lineage: which revision a draft came from, who asked for it and why.
alter table job add column parent_revision integer;
alter table job add column requested_by text;
alter table job add column request_note text;

-- Every decision received, applied or refused, once per decision id.
create table review_decision (
    id              bigint primary key,
    decision_id     text        not null unique,
    team            text,
    batch_key       text,
    shot_key        text,
    shot_id         bigint references shot (id),
    revision        integer,
    decision        text,
    revised_prompt  text,
    reviewer        text,
    note            text,
    outcome         text        not null,
    reasons         text,
    payload         text        not null,
    decided_at      timestamptz not null default now()
);

create sequence review_decision_seq increment by 50;
create index review_decision_shot on review_decision (shot_id);

-- Approved prompts per team and campaign, with the settings that produced them.
create table approved_prompt (
    id             bigint primary key,
    team           text        not null,
    campaign       text        not null,
    batch_key      text        not null,
    shot_key       text        not null,
    revision       integer     not null,
    prompt         text        not null,
    aspect_ratio   text        not null,
    draft_model    text        not null,
    draft_seconds  integer     not null,
    draft_size     text        not null,
    final_model    text        not null,
    reviewer       text        not null,
    approved_at    timestamptz not null default now(),
    constraint approved_prompt_shot unique (team, batch_key, shot_key)
);

create sequence approved_prompt_seq increment by 50;
create index approved_prompt_campaign on approved_prompt (team, campaign);

-- Campaigns whose exported prompt library must be rewritten.
create table prompt_library_dirty (
    team      text not null,
    campaign  text not null,
    primary key (team, campaign)
);
