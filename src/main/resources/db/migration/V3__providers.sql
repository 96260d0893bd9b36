-- Remote providers: when a create call was first attempted (to find a job whose create outcome was not
-- seen), lookups by the provider's job id (webhooks), and how a shot's reference image is fitted.

alter table job add column submitted_at timestamptz;
create unique index job_provider_job on job (provider, provider_job_id) where provider_job_id is not null;

alter table shot add column reference_image_fit text not null default 'crop';
