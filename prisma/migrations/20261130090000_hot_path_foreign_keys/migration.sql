-- Every order writes rows into orders, trades, positions and ledger_entries. A foreign key on
-- those rows makes Postgres lock the row it points to (FOR KEY SHARE) once per written row: the
-- market's and the trader's row for every order, the trader's cash account for every ledger row.
-- Those locks cost half of a group commit's write, and two transactions locking one parent row
-- at once share it through a MultiXact, so the keys also kept two group commits from running
-- side by side. The engine writes only ids it has just read in the same transaction (the book's
-- option and market, the trader's account rows), so these keys go. In their place: the rows
-- they pointed to can no longer be deleted (below), and `npm run db:check` finds any row whose
-- user, market, option or account does not exist.
ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_fkey",
    DROP CONSTRAINT "orders_market_id_fkey",
    DROP CONSTRAINT "orders_option_id_fkey";
ALTER TABLE "trades" DROP CONSTRAINT "trades_market_id_fkey",
    DROP CONSTRAINT "trades_option_id_fkey";
ALTER TABLE "positions" DROP CONSTRAINT "positions_user_id_fkey",
    DROP CONSTRAINT "positions_option_id_fkey";
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_account_id_fkey";

-- Users are disabled, markets closed or voided: none of these rows is ever deleted.
CREATE FUNCTION "refuse_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are never deleted: orders, trades, positions and ledger rows refer to them',
        TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER "users_never_deleted" BEFORE DELETE ON "users"
    FOR EACH ROW EXECUTE FUNCTION "refuse_delete"();
CREATE TRIGGER "markets_never_deleted" BEFORE DELETE ON "markets"
    FOR EACH ROW EXECUTE FUNCTION "refuse_delete"();
CREATE TRIGGER "market_options_never_deleted" BEFORE DELETE ON "market_options"
    FOR EACH ROW EXECUTE FUNCTION "refuse_delete"();
CREATE TRIGGER "accounts_never_deleted" BEFORE DELETE ON "accounts"
    FOR EACH ROW EXECUTE FUNCTION "refuse_delete"();
