-- Content credentials: the label of the C2PA manifest a stored video carries (null: none), and whether a batch's
-- credentials record its prompts.
alter table job add column credentials text;
alter table deliverable add column credentials text;
alter table batch add column credentials_prompt boolean not null default false;
alter table job add column credentials_summary text;
alter table deliverable add column credentials_summary text;
