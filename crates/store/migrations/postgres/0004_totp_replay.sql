-- The last accepted TOTP step of each user, so that an accepted code cannot
-- be used again (RFC 6238, 5.2). Released: never edit; add a new migration.

ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
