-- A sell order backed by shares the trader holds locks them instead of reserving cash: keep how
-- many of its open shares are so backed, to unlock exactly that many on cancel or expiry.
ALTER TABLE "orders" ADD COLUMN "covered_quantity" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "orders" ADD CONSTRAINT "orders_covered_quantity_check"
    CHECK ("covered_quantity" >= 0 AND "covered_quantity" <= "quantity" - "filled_quantity");

-- The resting orders of a book, in queue order, are what an engine reloads it from.
CREATE INDEX "orders_option_id_priority_idx" ON "orders"("option_id", "priority")
    WHERE "status" IN ('OPEN', 'PARTIALLY_FILLED');
