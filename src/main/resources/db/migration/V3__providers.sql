-- Remote providers: when a create call was first attempted (to find a job whose create outcome was not
-- seen), lookups by the provider's job id (webhooks), the provider's own bytes when a clip was conformed, and how a
-- shot's reference image is fitted.

alter table job add column submitted_at timestamptz;
create unique index job_provider_job on job (provider, provider_job_id) where provider_job_id is not null;

-- The provider's bytes as served, when the stored file was cut or fitted to the job's exact length and size.
alter table job add column source_sha256 text;

alter table shot add column reference_image_fit text not null default 'crop';
