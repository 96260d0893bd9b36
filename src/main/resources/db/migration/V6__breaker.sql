-- A provider that keeps failing is paused for every replica: failures in a row and the pause, per provider.

create table provider_breaker (
    provider     text        primary key,
    failures     integer     not null default 0,
    open_until   timestamptz,
    last_error   text,
    updated_at   timestamptz not null default now()
);
