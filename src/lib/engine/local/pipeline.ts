// The statements of one group-commit transaction, sent in as few round trips as they allow. On
// a real Postgres the committer's connections use pg's pipeline mode while they hold a group:
// each statement is written to the socket without waiting for the answer to the one before, so
// BEGIN, the locks and the reads go out together, and later the write and COMMIT. A round trip
// costs more than the network's: its answer waits for the event loop, which on an app server is
// busy with requests. The statements sent together also go out in one socket write: pg writes
// each statement on its own, and a write is a system call that costs as much as building a
// statement. The embedded database is sent one statement at a time.
import type pg from 'pg';

type Pipelining = pg.ClientBase & {
	pipeline?: boolean;
	connection?: { stream?: { cork?: () => void; uncork?: () => void } };
};

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
	// pg submits a query at once in pipeline mode, so every statement is buffered until uncork.
	const stream = (client as Pipelining).connection?.stream;
	stream?.cork?.();
	let sent: Promise<unknown>[];
	try {
		sent = queries.map((query) => query());
	} finally {
		stream?.uncork?.();
	}
	const settled = await Promise.allSettled(sent);
	const failed = settled.find((result) => result.status === 'rejected');
	if (failed) throw failed.reason;
	return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
