-- The event hub reads the outbox by transaction, not by id: a BIGSERIAL id is taken at insert
-- and a transaction can commit after another one that took a larger id, so "id > last seen"
-- would skip it. Each event keeps the id of the transaction that wrote it; the hub reads the
-- events of the transactions that finished between two snapshots (see src/lib/server/events).
ALTER TABLE "events" ADD COLUMN "xid" xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX "events_xid_idx" ON "events"("xid");
