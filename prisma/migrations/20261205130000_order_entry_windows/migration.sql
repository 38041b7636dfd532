-- Order entries granted per user in the current rate-limit window. Counted in each process's
-- memory before, so N app processes let a user enter N times the limit; here every process takes
-- its entries from one window per user.
CREATE TABLE "order_entry_windows" (
    "user_id" UUID NOT NULL,
    "granted" INTEGER NOT NULL,
    "window_ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_entry_windows_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "order_entry_windows_granted_check" CHECK ("granted" >= 0)
);

-- Users are never deleted (a trigger refuses it), so the key only checks that the user exists.
ALTER TABLE "order_entry_windows" ADD CONSTRAINT "order_entry_windows_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
