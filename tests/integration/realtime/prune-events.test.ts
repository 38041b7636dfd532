// The outbox keeps what is younger than the retention and loses the rest, in batches; a
// reconnecting client's last event id is then one it can replay after, or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumePointOf } from '../../../src/lib/server/events/outbox';
import { pruneEvents } from '../../../src/lib/server/events/prune';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

async function addEvents(count: number, ageHours: number): Promise<void> {
	await db.pool.query(
		`INSERT INTO events (topic, kind, payload, created_at)
		 SELECT 'prune-test', 'note', '{}'::jsonb, now() - make_interval(hours => $2::int)
		   FROM generate_series(1, $1::int)`,
		[count, ageHours]
	);
}

const count = async (where: string) =>
	(
		await db.pool.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM events WHERE topic = 'prune-test' AND ${where}`
		)
	).rows[0]!.n;

describe('pruning the outbox', () => {
	it('deletes the events older than the cut-off, in batches, and keeps the rest', async () => {
		await addEvents(25, 200);
		await addEvents(7, 1);
		const olderThan = new Date(Date.now() - 24 * 3_600_000);
		expect(await pruneEvents(db.pool, { olderThan, batch: 10 })).toBe(25);
		expect(await count(`created_at < now() - interval '24 hours'`)).toBe(0);
		expect(await count('true')).toBe(7);
		expect(await pruneEvents(db.pool, { olderThan, batch: 10 })).toBe(0);
	});

	it('deletes everything when every event is old', async () => {
		await addEvents(3, 500);
		const before = await count('true');
		const olderThan = new Date(Date.now() + 60_000);
		expect(await pruneEvents(db.pool, { olderThan })).toBeGreaterThanOrEqual(before);
		expect(await count('true')).toBe(0);
	});

	it('tells which event ids a client can resume after: none pruned since, and none past the newest', async () => {
		const ids = async () =>
			(
				await db.pool.query<{ id: string }>(
					`SELECT id::text AS id FROM events WHERE topic = 'prune-test' ORDER BY id`
				)
			).rows.map((row) => BigInt(row.id));
		await addEvents(3, 200);
		await addEvents(3, 1);
		const [first, , third, fourth, , last] = await ids();
		const points = (...cursors: bigint[]) =>
			Promise.all(cursors.map((cursor) => resumePointOf(db.pool, String(cursor))));
		expect(await points(first! - 1n, first!, last!, last! + 1n, 10n ** 25n)).toEqual([
			'held',
			'held',
			'held',
			'ahead',
			'ahead'
		]);

		await pruneEvents(db.pool, { olderThan: new Date(Date.now() - 24 * 3_600_000) });
		expect(await ids()).toEqual([fourth, fourth! + 1n, last]);
		// Up to the last one pruned, nothing after is lost; before it, some may be.
		expect(await points(first!, third! - 1n, third!, last!, last! + 1n)).toEqual([
			'pruned',
			'pruned',
			'held',
			'held',
			'ahead'
		]);

		// With everything pruned, the newest id is still one a client may hold.
		await pruneEvents(db.pool, { olderThan: new Date(Date.now() + 60_000) });
		expect(await points(last! - 1n, last!, last! + 1n)).toEqual(['pruned', 'held', 'ahead']);
	});
});
