-- Spend: every provider call reserves its catalog price before it is made and is charged when its result
-- lands; budgets per campaign (from batches) and per team (configuration) are checked against committed spend
-- (reserved + charged) before every create call.

create table spend_ledger (
    job_id          uuid          not null references job (id),
    segment_index   integer       not null,
    team            text          not null,
    campaign        text          not null,
    batch_key       text          not null,
    model           text          not null,
    provider        text          not null,
    seconds         integer       not null,
    reserved_usd    numeric(12,2) not null,
    charged_usd     numeric(12,2),
    state           text          not null,
    created_at      timestamptz   not null default now(),
    updated_at      timestamptz   not null default now(),
    primary key (job_id, segment_index)
);
create index spend_ledger_team_campaign on spend_ledger (team, campaign);

create table campaign_budget (
    team        text          not null,
    campaign    text          not null,
    limit_usd   numeric(12,2) not null,
    updated_at  timestamptz   not null default now(),
    primary key (team, campaign)
);

alter table job add column held_reason text;

-- What has been spent and what is committed, by team, campaign and model.
create view spend_by_model as
select team, campaign, model,
       coalesce(sum(charged_usd) filter (where state = 'charged'), 0)  as charged_usd,
       coalesce(sum(reserved_usd) filter (where state = 'reserved'), 0) as reserved_usd,
       count(*) filter (where state = 'charged')                        as calls_charged
from spend_ledger
group by team, campaign, model;
