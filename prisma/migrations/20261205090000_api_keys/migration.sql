-- API keys for trading programs: a key is a long-lived session that a program sends as
-- `Authorization: Bearer <key>`. Like a browser session, only its SHA-256 is stored, and revoking
-- it closes its sockets in every process. A key has a label, read or trade access, and a hint
-- (its first and last characters) by which its owner tells it apart.
CREATE TYPE "SessionKind" AS ENUM ('WEB', 'API_KEY');
CREATE TYPE "ApiKeyAccess" AS ENUM ('READ', 'TRADE');

ALTER TABLE "sessions"
    ADD COLUMN "kind" "SessionKind" NOT NULL DEFAULT 'WEB',
    ADD COLUMN "label" TEXT,
    ADD COLUMN "access" "ApiKeyAccess",
    ADD COLUMN "key_hint" TEXT;

-- A key has all three; a browser session none.
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_api_key_check" CHECK (
    CASE "kind"
        WHEN 'API_KEY' THEN "label" IS NOT NULL AND "access" IS NOT NULL AND "key_hint" IS NOT NULL
        ELSE "label" IS NULL AND "access" IS NULL AND "key_hint" IS NULL
    END
);
