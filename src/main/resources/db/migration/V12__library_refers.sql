-- A library entry points at the approved draft (and its shot) instead of copying the job, shot and batch
-- fields: the export reads prompt, model, length, size and final model from where they live.
alter table approved_prompt
    add column shot_id      bigint references shot (id),
    add column draft_job_id uuid   references job (id);

update approved_prompt ap
   set shot_id = s.id, draft_job_id = j.id
  from batch b
  join shot s on s.batch_id = b.id
  join job j on j.shot_id = s.id and j.stage = 'DRAFT'
 where b.team = ap.team and b.batch_key = ap.batch_key and s.shot_key = ap.shot_key and j.revision = ap.revision;

alter table approved_prompt
    alter column shot_id set not null,
    alter column draft_job_id set not null,
    drop column team,
    drop column campaign,
    drop column batch_key,
    drop column shot_key,
    drop column revision,
    drop column prompt,
    drop column aspect_ratio,
    drop column draft_model,
    drop column draft_seconds,
    drop column draft_size,
    drop column final_model,
    add constraint approved_prompt_shot unique (shot_id);
