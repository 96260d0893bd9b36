-- The trace a job and an outbox event belong to (W3C traceparent), so that work done later, by any replica,
-- continues the trace of the message or request that caused it.
alter table job add column trace_parent text;
alter table outbox_event add column trace_parent text;
