-- Every index of orders, ledger_entries and events takes an entry for each row a group commit
-- writes, and each order update that changes its status writes a new entry in all of the
-- orders' indexes. These are the ones nothing needs, or needs only for some rows:

-- Resting orders by option are read through orders_option_id_priority_idx (partial, resting only).
DROP INDEX "orders_option_id_status_idx";
-- The GTD sweeper looks only for resting GTD orders that are due.
DROP INDEX "orders_status_expires_at_idx";
CREATE INDEX "orders_gtd_expires_at_idx" ON "orders"("expires_at")
    WHERE "status" IN ('OPEN', 'PARTIALLY_FILLED') AND "time_in_force" = 'GTD';
-- Nothing looks a journal up by its id; the invariant check groups the whole table.
DROP INDEX "ledger_entries_journal_id_idx";
-- A book's replay reads its events by seq, a trader's by user: only rows with one need an entry.
DROP INDEX "events_option_id_book_seq_idx";
CREATE INDEX "events_option_id_book_seq_idx" ON "events"("option_id", "book_seq")
    WHERE "book_seq" IS NOT NULL;
DROP INDEX "events_user_id_id_idx";
CREATE INDEX "events_user_id_id_idx" ON "events"("user_id", "id") WHERE "user_id" IS NOT NULL;
