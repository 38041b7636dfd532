-- The outbox's payloads are written once, as the engine's own JSON, and read back whole by the
-- event hub; nothing queries inside them. `json` keeps that text as it came, where `jsonb`
-- parses it into its binary form on every insert (about a third of the time Postgres spends
-- binding a group commit's parameters) and prints it back to text on every read.
ALTER TABLE "events" ALTER COLUMN "payload" TYPE JSON USING "payload"::json;
