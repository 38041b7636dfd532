// The statements of one group-commit transaction, sent in as few round trips as they allow. On
// a real Postgres the committer's connections use pg's pipeline mode while they hold a group:
// each statement is written to the socket without waiting for the answer to the one before, so
// BEGIN, the locks and the reads go out together, and later the write and COMMIT. A round trip
// costs more than the network's: its answer waits for the event loop, which on an app server is
// busy with requests. The embedded database is sent one statement at a time.
import type pg from 'pg';

type Pipelining = pg.ClientBase & { pipeline?: boolean };

/** Puts a checked-out connection in or out of pipeline mode; only with nothing in flight on it. */
export function setPipelining(client: pg.ClientBase, on: boolean): void {
	(client as Pipelining).pipeline = on;
}

/**
 * Runs the queries in order: all sent at once on a pipelining connection, else each after the
 * one before. Every query sent has settled before it returns or throws (the first failure), so
 * the connection has nothing in flight and may be rolled back or released.
 */
export async function inOrder<T extends readonly unknown[]>(
	client: pg.ClientBase,
	queries: { [K in keyof T]: () => Promise<T[K]> }
): Promise<T> {
	if (!(client as Pipelining).pipeline) {
		const results: unknown[] = [];
		for (const query of queries) results.push(await query());
		return results as unknown as T;
	}
	const settled = await Promise.allSettled(queries.map((query) => query()));
	const failed = settled.find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
	return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
