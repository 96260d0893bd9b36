-- Request rates per model and per provider, shared by all replicas (generic cell rate algorithm): for each
-- limit, the time at which the next request would be on schedule. A request is let through while the
-- schedule runs no more than the allowed burst ahead of now.
create table request_rate (
    limit_key  text        primary key,
    next_at    timestamptz not null
);

-- The in-flight counts behind the model and provider caps, taken before every create call.
create index job_in_flight_model on job (model) where state in ('SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING');
create index job_in_flight_provider on job (provider)
    where state in ('SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING');
