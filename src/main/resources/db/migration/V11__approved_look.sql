-- Finals that keep the approved look: the seed of every render, the approved frame a final starts from, the
-- scores that say whether the look carried, and final sign-off with retakes.
alter table job add column seed bigint;
-- 1 for a shot's first final; each retake of a rejected final is the next take.
alter table job add column take integer not null default 1;
-- A final's approved draft (its object key) and the second of it the final starts from.
alter table job add column start_from_key text;
alter table job add column start_second double precision;
-- The approved frame as sent to the model (scaled to the final's frame), once prepared.
alter table job add column start_frame_key text;
-- carried: the final starts from the approved frame; re-roll: its model takes no image.
alter table job add column look text;
alter table job add column start_frame_ssim double precision;
alter table job add column draft_similarity double precision;
alter table job add column contact_sheet_key text;
alter table job drop constraint job_shot_stage_revision;
alter table job add constraint job_shot_stage_revision_take unique (shot_id, stage, revision, take);

-- none: a landed final delivers the shot; manual: a person signs it off; auto: a final unlike its draft is made again.
alter table shot add column final_review text not null default 'none';

alter table review_decision add column stage text;
alter table review_decision add column from_second double precision;
alter table review_decision add column keep_seed boolean;
