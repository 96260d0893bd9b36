-- Fair share: a free slot goes to the team (then the batch) with the least work at the provider, so a job names its
-- team and batch, and waiting jobs are found by model, team and batch in due order.
alter table job add column team text;
alter table job add column batch_id bigint references batch (id);
update job j set team = b.team, batch_id = b.id from shot s join batch b on b.id = s.batch_id where s.id = j.shot_id;
alter table job alter column team set not null;
alter table job alter column batch_id set not null;

create index job_waiting_by_team on job (model, team, batch_id, next_attempt_at) where state in ('PENDING', 'HELD');
-- Waiting jobs a worker holds right now count as the team's work at the provider (they are about to take a slot).
create index job_waiting_leased on job (model) where state in ('PENDING', 'HELD') and lease_owner is not null;
create index job_slot_team on job (model, team, batch_id) where state in ('SUBMITTING', 'UNKNOWN', 'RUNNING');

-- Decision ids are unique per team: one team's ids (applied or refused) never use up another's.
alter table review_decision drop constraint review_decision_decision_id_key;
create unique index review_decision_team_id on review_decision (team, decision_id) where team is not null;
create unique index review_decision_no_team_id on review_decision (decision_id) where team is null;

-- An outbox event that cannot be published (too large, refused by the broker) is set aside with its reason, and
-- one that failed for a passing cause waits its turn again, so neither holds back the events behind it.
alter table outbox_event add column attempts integer not null default 0;
alter table outbox_event add column last_error text;
alter table outbox_event add column next_attempt_at timestamptz not null default now();
alter table outbox_event add column set_aside_at timestamptz;
drop index outbox_unpublished;
create index outbox_unpublished on outbox_event (id) where published_at is null and set_aside_at is null;
create index outbox_set_aside on outbox_event (id) where set_aside_at is not null;
