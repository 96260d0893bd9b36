-- When the batch's manifest was last written: a busy batch's manifest is rewritten at most once a second.
alter table batch add column manifest_written_at timestamptz;
