-- A batch's event stream reads its events from the outbox by message key (team/batchId), in order.
create index outbox_event_key on outbox_event (message_key, id);
