// One LISTEN connection per process: however many subscribers on however many topics, and
// however many NOTIFY rounds, the event hub holds exactly one database connection of its own
// on Postgres (counted by the server, in pg_stat_activity), and none on PGlite, where it polls
// through the app's one connection.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_APPLICATION_NAME, EVENTS_CHANNEL, EventHub } from '../../../src/lib/server/events';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

const TOPICS = 40;
const SUBSCRIBERS_PER_TOPIC = 25;
const ROUNDS = 5;

/** The connections to this test's database that name themselves as the event hub's. */
async function hubConnections(): Promise<number> {
	const { rows } = await db.pool.query<{ count: number }>(
		`SELECT count(*)::int AS count FROM pg_stat_activity
		  WHERE datname = current_database() AND application_name = $1`,
		[EVENTS_APPLICATION_NAME]
	);
	return rows[0]!.count;
}

/** Counts deliveries; `reached(n)` resolves once `n` have been made. */
function deliveryCounter() {
	let count = 0;
	const waiters: { at: number; resolve: () => void }[] = [];
	return {
		count: () => count,
		add() {
			count++;
			for (const waiter of waiters.splice(0)) {
				if (count >= waiter.at) waiter.resolve();
				else waiters.push(waiter);
			}
		},
		reached: (at: number) =>
			count >= at
				? Promise.resolve()
				: new Promise<void>((resolve) => waiters.push({ at, resolve }))
	};
}

describe("the event hub's connection", () => {
	it('is one LISTEN connection of its own on Postgres (none on PGlite), whatever its subscribers and NOTIFY rounds', async () => {
		const onPostgres = db.kind === 'postgres';
		const hub = new EventHub({
			source: onPostgres ? { url: db.url } : { pool: db.pool },
			// On Postgres only a NOTIFY wakes the hub before a round is over, so each delivered round
			// shows that it listens; PGlite's NOTIFY does not reach it, and there it polls.
			pollIntervalMs: onPostgres ? 600_000 : 20
		});
		await hub.start();
		const topics = Array.from({ length: TOPICS }, () => `trades:${randomUUID()}`);
		const delivered = deliveryCounter();
		const unsubscribes = topics.flatMap((topic) =>
			Array.from({ length: SUBSCRIBERS_PER_TOPIC }, () => hub.subscribe(topic, delivered.add))
		);
		try {
			for (let round = 1; round <= ROUNDS; round++) {
				await db.pool.query(
					`WITH inserted AS (
					   INSERT INTO events (topic, kind, payload)
					   SELECT topic, 'test', '{}'::json FROM unnest($1::text[]) AS topic
					   RETURNING id)
					 SELECT pg_notify($2, id::text) FROM inserted`,
					[topics, EVENTS_CHANNEL]
				);
				await delivered.reached(round * TOPICS * SUBSCRIBERS_PER_TOPIC);
			}
			const stats = hub.stats();
			expect(delivered.count()).toBe(ROUNDS * TOPICS * SUBSCRIBERS_PER_TOPIC);
			expect(stats).toMatchObject({ topics: TOPICS, listeners: TOPICS * SUBSCRIBERS_PER_TOPIC });
			if (onPostgres) {
				expect(stats).toMatchObject({ listening: true, connectionsOpened: 1 });
				expect(stats.notifications).toBeGreaterThanOrEqual(ROUNDS);
				expect(await hubConnections()).toBe(1);
			} else {
				expect(stats).toMatchObject({ listening: false, connectionsOpened: 0 });
				// PGlite is served through this one pooled connection, which the hub shares.
				expect(db.pool.totalCount).toBe(1);
			}
		} finally {
			for (const unsubscribe of unsubscribes) unsubscribe();
			await hub.stop();
		}
		expect(hub.stats()).toMatchObject({ topics: 0, listeners: 0, listening: false });
		if (onPostgres) await expect.poll(hubConnections).toBe(0);
	});
});
