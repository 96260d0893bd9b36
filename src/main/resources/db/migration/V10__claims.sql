-- The worker claims in two steps: due jobs already at a provider first, then due waiting jobs of models with
-- a free slot. One index for each step, in due order; the single index they replace did not cover HELD.
create index job_due_at_provider on job (next_attempt_at)
    where state in ('SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING');
create index job_due_waiting on job (next_attempt_at) where state in ('PENDING', 'HELD');
drop index job_due;

-- The caps count jobs submitting, unknown or running (a finished video that is landing holds no slot).
create index job_slot_model_provider on job (model, provider) where state in ('SUBMITTING', 'UNKNOWN', 'RUNNING');
drop index job_in_flight_model;
drop index job_in_flight_provider;

-- What happened to a batch's shots since its manifest was last written: appended by landings, failures and
-- decisions (appends never wait for each other), folded into the batch row by the manifest writer. A batch
-- row is therefore written by its intake and its manifest writer only, never by concurrent landings.
create table batch_change (
    id           bigserial primary key,
    batch_id     bigint  not null references batch (id),
    drafts_delta integer not null,
    shots_delta  integer not null
);
create index batch_change_batch on batch_change (batch_id, id);
