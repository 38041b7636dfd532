-- Who moved a market through its life, when and why: its creation, every halt, reopening,
-- close, resolution and void, and every change of its close time. Each change writes one row
-- here in its own transaction, naming the admin who made it (NULL when the app did it itself:
-- the closer at the close time), their reason when they gave one, and the market's state before
-- and after. Read by support staff, per market and all markets newest first (by id; the primary
-- key serves that). Append-only, as flag_audit is.
CREATE TYPE "MarketAuditAction" AS ENUM ('CREATE', 'HALT', 'REOPEN', 'CLOSE', 'RESOLVE', 'VOID', 'CLOSE_TIME');

CREATE TABLE "market_audit" (
    "id" BIGSERIAL NOT NULL,
    "market_id" UUID NOT NULL,
    "action" "MarketAuditAction" NOT NULL,
    "actor_id" UUID,
    "reason" TEXT,
    "before" JSONB,
    "after" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "market_audit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "market_audit_reason_check" CHECK ("reason" IS NULL OR length(trim("reason")) > 0)
);

CREATE INDEX "market_audit_market_id_id_idx" ON "market_audit"("market_id", "id");

-- Markets and users are never deleted (a trigger refuses it), so these keys only check that
-- both exist. The row is written in the transaction that holds the market's row already.
ALTER TABLE "market_audit" ADD CONSTRAINT "market_audit_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "markets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "market_audit" ADD CONSTRAINT "market_audit_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TRIGGER "market_audit_append_only" BEFORE UPDATE OR DELETE ON "market_audit"
    FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
