-- BetWise initial schema. Written by hand (the Prisma CLI's schema engine is not used);
-- tests/integration/schema-drift.test.ts keeps it equal to prisma/schema.prisma.

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('TRADER', 'SUPPORT', 'ADMIN');
CREATE TYPE "MarketStatus" AS ENUM ('OPEN', 'HALTED', 'CLOSED', 'RESOLVED');
CREATE TYPE "Resolution" AS ENUM ('OPTION', 'VOID');
CREATE TYPE "Side" AS ENUM ('BUY', 'SELL');
CREATE TYPE "OrderType" AS ENUM ('LIMIT', 'MARKET');
CREATE TYPE "TimeInForce" AS ENUM ('GTC', 'IOC', 'FOK', 'GTD');
CREATE TYPE "OrderStatus" AS ENUM ('OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED', 'REJECTED');
CREATE TYPE "EngineKind" AS ENUM ('local', 'remote');
CREATE TYPE "AccountKind" AS ENUM ('TRADER_CASH', 'TRADER_RESERVED', 'EXCHANGE_COLLATERAL', 'EXCHANGE_FEES', 'EXTERNAL');
CREATE TYPE "LedgerKind" AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'TRADE', 'RESERVE', 'RELEASE', 'SETTLEMENT', 'REFUND', 'FEE');
CREATE TYPE "FlagScope" AS ENUM ('GLOBAL', 'MARKET', 'USER');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'TRADER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_lowercase_check" CHECK ("email" = lower("email"))
);

CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" TEXT,
    "ip_address" TEXT,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "markets" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" "MarketStatus" NOT NULL DEFAULT 'OPEN',
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution" "Resolution",
    "resolved_option_id" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "markets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "markets_resolution_check" CHECK (
        ("resolution" IS NULL AND "resolved_option_id" IS NULL)
        OR ("resolution" = 'VOID' AND "resolved_option_id" IS NULL)
        OR ("resolution" = 'OPTION' AND "resolved_option_id" IS NOT NULL)
    )
);

CREATE TABLE "market_options" (
    "id" UUID NOT NULL,
    "market_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL,
    CONSTRAINT "market_options_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "books" (
    "option_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "last_price_cents" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "books_pkey" PRIMARY KEY ("option_id"),
    CONSTRAINT "books_last_price_cents_check" CHECK ("last_price_cents" BETWEEN 1 AND 99),
    CONSTRAINT "books_seq_check" CHECK ("seq" >= 0)
);

CREATE TABLE "orders" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "market_id" UUID NOT NULL,
    "option_id" UUID NOT NULL,
    "client_order_id" TEXT NOT NULL,
    "side" "Side" NOT NULL,
    "type" "OrderType" NOT NULL,
    "time_in_force" "TimeInForce" NOT NULL,
    "post_only" BOOLEAN NOT NULL DEFAULT false,
    "price_cents" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "filled_quantity" INTEGER NOT NULL DEFAULT 0,
    "status" "OrderStatus" NOT NULL,
    "reject_reason" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "reserved_cents" BIGINT NOT NULL DEFAULT 0,
    "priority" BIGINT NOT NULL DEFAULT 0,
    "engine" "EngineKind" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_price_cents_check" CHECK ("price_cents" BETWEEN 1 AND 99),
    CONSTRAINT "orders_quantity_check" CHECK ("quantity" > 0),
    CONSTRAINT "orders_filled_quantity_check" CHECK ("filled_quantity" BETWEEN 0 AND "quantity"),
    CONSTRAINT "orders_reserved_cents_check" CHECK ("reserved_cents" >= 0),
    CONSTRAINT "orders_client_order_id_check" CHECK (length("client_order_id") BETWEEN 1 AND 64),
    CONSTRAINT "orders_expiry_check" CHECK (("time_in_force" = 'GTD') = ("expires_at" IS NOT NULL)),
    CONSTRAINT "orders_reject_reason_check" CHECK (("status" = 'REJECTED') = ("reject_reason" IS NOT NULL))
);

CREATE TABLE "trades" (
    "id" BIGSERIAL NOT NULL,
    "market_id" UUID NOT NULL,
    "option_id" UUID NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "maker_order_id" BIGINT NOT NULL,
    "taker_order_id" BIGINT NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "taker_side" "Side" NOT NULL,
    "book_seq" BIGINT NOT NULL,
    "engine" "EngineKind" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "trades_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "trades_price_cents_check" CHECK ("price_cents" BETWEEN 1 AND 99),
    CONSTRAINT "trades_quantity_check" CHECK ("quantity" > 0),
    CONSTRAINT "trades_self_trade_check" CHECK ("buyer_id" <> "seller_id")
);

CREATE TABLE "positions" (
    "user_id" UUID NOT NULL,
    "option_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL DEFAULT 0,
    "cost_basis_cents" BIGINT NOT NULL DEFAULT 0,
    "realized_pnl_cents" BIGINT NOT NULL DEFAULT 0,
    "locked_quantity" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "positions_pkey" PRIMARY KEY ("user_id", "option_id"),
    CONSTRAINT "positions_locked_quantity_check" CHECK ("locked_quantity" >= 0 AND "locked_quantity" <= GREATEST("quantity", 0))
);

CREATE TABLE "accounts" (
    "id" SERIAL NOT NULL,
    "user_id" UUID,
    "option_id" UUID,
    "kind" "AccountKind" NOT NULL,
    "balance_cents" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"),
    -- A trader's available and reserved cash can never go below zero; nor can the collateral
    -- that backs open positions. Only EXTERNAL (money from outside) runs negative.
    CONSTRAINT "accounts_balance_cents_check" CHECK ("kind" = 'EXTERNAL' OR "balance_cents" >= 0),
    -- Trader accounts belong to a user; collateral belongs to one option's book, so that books
    -- never queue behind each other on one collateral row.
    CONSTRAINT "accounts_owner_check" CHECK (
        ("user_id" IS NOT NULL) = ("kind" IN ('TRADER_CASH', 'TRADER_RESERVED'))
        AND ("option_id" IS NOT NULL) = ("kind" = 'EXCHANGE_COLLATERAL'))
);

CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "journal_id" BIGINT NOT NULL,
    "account_id" INTEGER NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "order_id" BIGINT,
    "trade_id" BIGINT,
    "market_id" UUID,
    "memo" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ledger_entries_amount_cents_check" CHECK ("amount_cents" <> 0)
);

CREATE TABLE "engine_flags" (
    "id" SERIAL NOT NULL,
    "scope_key" TEXT NOT NULL,
    "scope" "FlagScope" NOT NULL,
    "market_id" UUID,
    "user_id" UUID,
    "engine" "EngineKind" NOT NULL,
    "rollout_percent" INTEGER NOT NULL DEFAULT 100,
    "updated_by_id" UUID NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "engine_flags_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "engine_flags_rollout_percent_check" CHECK ("rollout_percent" BETWEEN 0 AND 100),
    CONSTRAINT "engine_flags_scope_check" CHECK (
        ("scope" = 'GLOBAL' AND "scope_key" = 'global' AND "market_id" IS NULL AND "user_id" IS NULL)
        OR ("scope" = 'MARKET' AND "scope_key" = 'market:' || "market_id" AND "user_id" IS NULL)
        OR ("scope" = 'USER' AND "scope_key" = 'user:' || "user_id" AND "market_id" IS NULL)
    )
);

CREATE TABLE "flag_audit" (
    "id" BIGSERIAL NOT NULL,
    "scope_key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "flag_audit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "flag_audit_reason_check" CHECK (length(trim("reason")) > 0)
);

CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "option_id" UUID,
    "market_id" UUID,
    "user_id" UUID,
    "book_seq" BIGINT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
CREATE UNIQUE INDEX "markets_slug_key" ON "markets"("slug");
CREATE INDEX "markets_status_closes_at_idx" ON "markets"("status", "closes_at");
CREATE UNIQUE INDEX "market_options_market_id_label_key" ON "market_options"("market_id", "label");
CREATE UNIQUE INDEX "market_options_market_id_sort_order_key" ON "market_options"("market_id", "sort_order");
CREATE UNIQUE INDEX "orders_user_id_client_order_id_key" ON "orders"("user_id", "client_order_id");
CREATE INDEX "orders_option_id_status_idx" ON "orders"("option_id", "status");
CREATE INDEX "orders_user_id_created_at_idx" ON "orders"("user_id", "created_at");
CREATE INDEX "orders_status_expires_at_idx" ON "orders"("status", "expires_at");
CREATE INDEX "trades_option_id_created_at_idx" ON "trades"("option_id", "created_at");
CREATE INDEX "trades_maker_order_id_idx" ON "trades"("maker_order_id");
CREATE INDEX "trades_taker_order_id_idx" ON "trades"("taker_order_id");
CREATE INDEX "positions_option_id_idx" ON "positions"("option_id");
CREATE UNIQUE INDEX "accounts_option_id_key" ON "accounts"("option_id");
CREATE UNIQUE INDEX "accounts_user_id_kind_key" ON "accounts"("user_id", "kind");
CREATE INDEX "ledger_entries_account_id_id_idx" ON "ledger_entries"("account_id", "id");
CREATE INDEX "ledger_entries_journal_id_idx" ON "ledger_entries"("journal_id");
CREATE UNIQUE INDEX "engine_flags_scope_key_key" ON "engine_flags"("scope_key");
CREATE INDEX "flag_audit_scope_key_id_idx" ON "flag_audit"("scope_key", "id");
CREATE INDEX "events_option_id_book_seq_idx" ON "events"("option_id", "book_seq");
CREATE INDEX "events_user_id_id_idx" ON "events"("user_id", "id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "market_options" ADD CONSTRAINT "market_options_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "markets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "books" ADD CONSTRAINT "books_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "market_options"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "orders" ADD CONSTRAINT "orders_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "markets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "orders" ADD CONSTRAINT "orders_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "market_options"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "trades" ADD CONSTRAINT "trades_market_id_fkey" FOREIGN KEY ("market_id") REFERENCES "markets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "trades" ADD CONSTRAINT "trades_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "market_options"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "positions" ADD CONSTRAINT "positions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "positions" ADD CONSTRAINT "positions_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "market_options"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_option_id_fkey" FOREIGN KEY ("option_id") REFERENCES "market_options"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Outside what schema.prisma can say: one fees and one external account for the exchange, a
-- collateral account made with every book, the journal sequence, and append-only ledger and
-- audit tables.
CREATE UNIQUE INDEX "accounts_exchange_kind_key" ON "accounts"("kind") WHERE "user_id" IS NULL AND "option_id" IS NULL;
CREATE SEQUENCE "ledger_journal_seq";
INSERT INTO "accounts" ("kind") VALUES ('EXCHANGE_FEES'), ('EXTERNAL');

CREATE FUNCTION "open_collateral_account"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "accounts" ("kind", "option_id") VALUES ('EXCHANGE_COLLATERAL', NEW."option_id");
    RETURN NEW;
END;
$$;
CREATE TRIGGER "books_open_collateral_account" AFTER INSERT ON "books"
    FOR EACH ROW EXECUTE FUNCTION "open_collateral_account"();

CREATE FUNCTION "refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
    FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
CREATE TRIGGER "flag_audit_append_only" BEFORE UPDATE OR DELETE ON "flag_audit"
    FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
