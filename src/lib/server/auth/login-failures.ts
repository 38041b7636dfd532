// Failed logins counted in the database per key (an email, a client address) in fixed windows,
// so that every app process counts against the same limit. Times come from the database's clock.
import type { PrismaClient } from '../db/generated/client';

export interface FailureLimit {
	/** Failures a key may have in one window; at this many it is locked until the window ends. */
	points: number;
	durationSeconds: number;
}

/** Windows that ended, deleted by each failure: the table stays as small as its live windows. */
const PRUNE_PER_FAILURE = 20;

export function loginFailures(prisma: PrismaClient) {
	return {
		/** How long until every key may try again (0 when none is locked); counts nothing. */
		async lockedForMs(keys: { key: string; limit: FailureLimit }[]): Promise<number> {
			const rows = await prisma.$queryRaw<{ wait_ms: number | null }[]>`
				SELECT max(ceil(extract(epoch FROM f.window_ends_at - now()) * 1000))::int AS wait_ms
				  FROM login_failures f
				  JOIN unnest(${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.limit.points)}::int[])
				       AS l(key, points) ON l.key = f.key
				 WHERE f.window_ends_at > now() AND f.failures >= l.points`;
			return Math.max(0, rows[0]?.wait_ms ?? 0);
		},

		/** Counts one failure for each key: the first in a window opens it. */
		async record(keys: { key: string; limit: FailureLimit }[]): Promise<void> {
			const names = keys.map((k) => k.key);
			// The keys counted now are left out of the pruning: one statement must not change a row twice.
			await prisma.$executeRaw`
				WITH ended AS (
				     DELETE FROM login_failures WHERE key IN (
				            SELECT key FROM login_failures
				             WHERE window_ends_at <= now() AND key <> ALL(${names}::text[])
				             ORDER BY window_ends_at LIMIT ${PRUNE_PER_FAILURE}))
				INSERT INTO login_failures (key, failures, window_ends_at)
				SELECT l.key, 1, now() + make_interval(secs => l.seconds)
				  FROM unnest(${names}::text[], ${keys.map((k) => k.limit.durationSeconds)}::int[])
				       AS l(key, seconds)
				ON CONFLICT (key) DO UPDATE SET
				   failures = CASE WHEN login_failures.window_ends_at > now()
				                   THEN login_failures.failures + 1 ELSE 1 END,
				   window_ends_at = CASE WHEN login_failures.window_ends_at > now()
				                         THEN login_failures.window_ends_at ELSE EXCLUDED.window_ends_at END`;
		},

		async forget(key: string): Promise<void> {
			await prisma.$executeRaw`DELETE FROM login_failures WHERE key = ${key}`;
		}
	};
}
