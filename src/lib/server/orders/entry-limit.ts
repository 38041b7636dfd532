// Per-user rate limit on order entry (place, placeBatch, amend): a runaway client is slowed down
// before it reaches the engine. Cancels are never limited.
//
// Every app process counts against the same limit: a user's window and the entries granted in it
// live in the database (order_entry_windows), and a process takes them in small leases, so that
// most orders cost no query. A lease's unused entries stay with the process that took it until the
// window ends: with N processes a user may be refused up to (N - 1) leases before the limit, never
// allowed past it. Windows are fixed and timed by the database's clock.
import type pg from 'pg';

export interface OrderEntryLimits {
	/** Orders a user may enter per window (a batch counts each of its orders). */
	points: number;
	durationSeconds: number;
}

export const defaultOrderEntryLimits: OrderEntryLimits = { points: 50, durationSeconds: 1 };

export interface OrderEntryLimiter {
	/** Counts `orders` entries for the user; returns 0 when allowed, else how long to wait (ms). */
	consume(userId: string, orders?: number): Promise<number>;
}

export interface OrderEntryLimiterOptions {
	/** Entries a lease takes beyond what the order needs: a tenth of the limit unless told. */
	leaseSize?: number;
	/** Milliseconds of this process's clock; tests move it. */
	now?: () => number;
}

/** What this process holds of a user's current window. */
interface Lease {
	/** Entries taken from the database and not yet used. */
	unused: number;
	/** When the window ends, by this process's clock. */
	endsAt: number;
	/** The database granted less than asked: the window has no more entries for anyone. */
	spent: boolean;
	/** A lease being taken now: callers for the same user wait for it rather than take another. */
	taking: Promise<void> | null;
}

/** Leases kept before those of ended windows are dropped. */
const PRUNE_AT = 10_000;

/**
 * Grants up to $2 entries of a window of $3 entries and $4 seconds: of the user's window, begun
 * anew when the last one has ended. Answers how many it granted, whether the window is new, and
 * how long it has left. The row is locked as it is read, so that grants made at once add up.
 */
const TAKE_LEASE = `
UPDATE order_entry_windows w
   SET granted = g.granted + g.entries, window_ends_at = g.ends_at
  FROM (SELECT least($2::int, greatest($3::int - s.granted, 0)) AS entries, s.granted, s.ends_at, s.fresh
          FROM (SELECT CASE WHEN window_ends_at <= now() THEN 0 ELSE granted END AS granted,
                       CASE WHEN window_ends_at <= now() THEN now() + make_interval(secs => $4::int)
                            ELSE window_ends_at END AS ends_at,
                       window_ends_at <= now() AS fresh
                  FROM order_entry_windows WHERE user_id = $1::uuid FOR UPDATE) s) g
 WHERE w.user_id = $1::uuid
RETURNING g.entries, g.fresh, greatest(ceil(extract(epoch FROM g.ends_at - now()) * 1000), 1)::int AS ms_left`;

/** The user's row, for TAKE_LEASE to find: its window has ended, so the first lease begins one. */
const OPEN_WINDOW = `
INSERT INTO order_entry_windows (user_id, granted, window_ends_at)
VALUES ($1::uuid, 0, '-infinity') ON CONFLICT (user_id) DO NOTHING`;

export function createOrderEntryLimiter(
	pool: pg.Pool,
	limits: OrderEntryLimits = defaultOrderEntryLimits,
	{ leaseSize = Math.ceil(limits.points / 10), now = Date.now }: OrderEntryLimiterOptions = {}
): OrderEntryLimiter {
	const leases = new Map<string, Lease>();

	async function take(userId: string, lease: Lease, needed: number): Promise<void> {
		const asked = Math.max(needed, leaseSize);
		const values = [userId, asked, limits.points, limits.durationSeconds];
		let { rows } = await pool.query<{ entries: number; fresh: boolean; ms_left: number }>(
			TAKE_LEASE,
			values
		);
		if (rows.length === 0) {
			await pool.query(OPEN_WINDOW, [userId]);
			({ rows } = await pool.query(TAKE_LEASE, values));
		}
		const { entries, fresh, ms_left: msLeft } = rows[0]!;
		if (fresh) lease.unused = 0;
		lease.unused += entries;
		lease.endsAt = now() + msLeft;
		lease.spent = entries < asked;
	}

	function leaseOf(userId: string): Lease {
		let lease = leases.get(userId);
		if (!lease) {
			if (leases.size >= PRUNE_AT) {
				const at = now();
				for (const [id, held] of leases) if (held.endsAt <= at && !held.taking) leases.delete(id);
			}
			lease = { unused: 0, endsAt: 0, spent: false, taking: null };
			leases.set(userId, lease);
		}
		return lease;
	}

	return {
		async consume(userId, orders = 1) {
			const lease = leaseOf(userId);
			for (let asked = false; ;) {
				while (lease.taking) await lease.taking;
				if (lease.endsAt <= now()) {
					lease.unused = 0;
					lease.spent = false;
				}
				if (lease.unused >= orders) {
					lease.unused -= orders;
					return 0;
				}
				// Refused without a query once the window is spent, however often the client asks.
				if (asked || lease.spent) return Math.max(1, lease.endsAt - now());
				asked = true;
				lease.taking = take(userId, lease, orders - lease.unused).finally(
					() => (lease.taking = null)
				);
			}
		}
	};
}
