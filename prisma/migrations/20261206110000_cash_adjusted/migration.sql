-- Admins correct a trader's cash (a deposit that did not arrive, a goodwill credit, a mistaken
-- credit reversed): each correction posts a DEPOSIT or WITHDRAWAL journal and writes one
-- account_audit row in the same transaction, naming the admin, the amount, the journal and the
-- reason. Appending an enum value keeps existing rows and readers as they are.
ALTER TYPE "AccountAuditAction" ADD VALUE 'CASH_ADJUSTED';
