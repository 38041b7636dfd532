-- Failed logins per email and per client address. Counted in each process's memory before, so
-- N app processes allowed N times the guesses; here every process counts against one limit.
CREATE TABLE "login_failures" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "window_ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_failures_pkey" PRIMARY KEY ("key")
);

-- Each failure deletes a few windows that have ended, found through this index.
CREATE INDEX "login_failures_window_ends_at_idx" ON "login_failures"("window_ends_at");
