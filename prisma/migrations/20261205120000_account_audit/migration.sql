-- Who changed who may act as a user, and when: API keys made and revoked, and an admin's
-- "sign out everywhere". The question after a leaked key is who made it, who revoked it and
-- when, so every such change writes one row here in its own transaction, naming the user whose
-- account it is, who did it (the user, or staff) and the client address it came from. Read by
-- the user (newest first, by id) and by support staff. Append-only, as flag_audit is.
CREATE TYPE "AccountAuditAction" AS ENUM ('API_KEY_CREATED', 'API_KEY_REVOKED', 'SESSIONS_REVOKED');

CREATE TABLE "account_audit" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "actor_id" UUID NOT NULL,
    "action" "AccountAuditAction" NOT NULL,
    "detail" JSONB NOT NULL,
    "client_address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "account_audit_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "account_audit_user_id_id_idx" ON "account_audit"("user_id", "id");

-- Users are never deleted (a trigger refuses it), so these keys only check that both exist.
ALTER TABLE "account_audit" ADD CONSTRAINT "account_audit_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "account_audit" ADD CONSTRAINT "account_audit_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TRIGGER "account_audit_append_only" BEFORE UPDATE OR DELETE ON "account_audit"
    FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
