-- When a worker last took a waiting job with a free slot of its model: the end of its wait behind the model's cap
-- and the start of Reelflow's own work before the create call (start frame, reservation, the call itself).
alter table job add column claimed_at timestamptz;
