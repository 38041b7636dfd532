// Keeps the outbox (`events`) from growing for ever: events older than the retention are
// deleted in batches, oldest first. Nothing reads them once delivered but a reconnecting client
// replaying its gap, and a gap that old gets a snapshot (books), a resync (orders) or a refusal
// (trades, prices) instead.
import type pg from 'pg';

export interface PruneOptions {
	/** Events created before this go. */
	olderThan: Date;
	/** Rows per DELETE, so no one statement holds many locks or runs long. */
	batch?: number;
}

/** Deletes the events created before `olderThan`; returns how many. */
export async function pruneEvents(
	pool: pg.Pool,
	{ olderThan, batch = 10_000 }: PruneOptions
): Promise<number> {
	// Ids grow with time, so the first event young enough to keep bounds the ones to delete;
	// found from the oldest end, it costs a scan of the old rows only.
	const { rows } = await pool.query<{ below: string | null }>(
		`SELECT coalesce(
		          (SELECT id FROM events WHERE created_at >= $1 ORDER BY id LIMIT 1),
		          (SELECT max(id) + 1 FROM events))::text AS below`,
		[olderThan]
	);
	const below = rows[0]?.below;
	if (below === null || below === undefined) return 0;
	let deleted = 0;
	for (;;) {
		const { rowCount } = await pool.query(
			`DELETE FROM events WHERE id IN (
			     SELECT id FROM events WHERE id < $1::bigint AND created_at < $2 ORDER BY id LIMIT $3)`,
			[below, olderThan, batch]
		);
		deleted += rowCount ?? 0;
		if ((rowCount ?? 0) < batch) return deleted;
	}
}

/** Prunes every `intervalMs` (and once at start) until the returned stop() is called. */
export function startEventPruner(
	pool: pg.Pool,
	{ retentionHours, intervalMs = 10 * 60_000 }: { retentionHours: number; intervalMs?: number }
): () => void {
	const run = () => {
		const olderThan = new Date(Date.now() - retentionHours * 3_600_000);
		pruneEvents(pool, { olderThan }).catch((error: unknown) =>
			console.error('pruning old events failed', error)
		);
	};
	const first = setTimeout(run, 0);
	const timer = setInterval(run, intervalMs);
	first.unref();
	timer.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
