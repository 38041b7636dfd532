-- When an API key was last used (to the minute), so its owner can tell a live program's key
-- from a forgotten one; null until its first call. Browser sessions leave it null.
ALTER TABLE "sessions" ADD COLUMN "last_used_at" TIMESTAMPTZ(3);
