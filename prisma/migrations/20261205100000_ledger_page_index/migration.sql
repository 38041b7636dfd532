-- A trader's cash history pages by journal, newest first: every row of one journal shares its
-- transaction's created_at, so (account, created_at, journal) keeps a journal's rows together
-- and finds a page's journals, and then their rows, by index alone, however long the trader's
-- ledger. It replaces (account, id), which only that paging read; a group commit maintains the
-- same number of ledger indexes as before.
DROP INDEX "ledger_entries_account_id_id_idx";
CREATE INDEX "ledger_entries_account_id_created_at_journal_id_idx"
    ON "ledger_entries"("account_id", "created_at", "journal_id");
