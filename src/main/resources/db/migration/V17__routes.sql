-- Routes name fallback models. A batch keeps the models after the first of each route (comma separated, in
-- order); a job keeps the ones it has not tried yet and why it left the ones it did.
alter table batch add column draft_fallbacks text;
alter table batch add column final_fallbacks text;
alter table job add column fallbacks text;
alter table job add column fallback_note text;
-- The key of the job's latest create attempt (sent as Kling's external_task_id; looked up after a lost answer).
alter table job add column create_key text;
-- What a moderation refusal was about, where the provider says: prompt, image or output.
alter table job add column refused_input text;
-- What the provider delivered for each paid call (probed), which the charge follows.
alter table spend_ledger add column delivered_seconds numeric(8,3);
alter table spend_ledger add column delivered_size text;
