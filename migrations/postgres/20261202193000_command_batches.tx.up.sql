-- batch_id groups the pending commands the dispatcher sends as one arr
-- command (one MoviesSearch or EpisodeSearch with the ids of them all): the
-- id of the batch's first command, written with attempted_at before the
-- POST, so a batch interrupted by a crash is reconciled as a whole.
ALTER TABLE dispatched_commands ADD COLUMN batch_id BIGINT;
