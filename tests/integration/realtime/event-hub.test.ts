// The event hub reads the outbox and fans events out by topic: every committed event exactly
// once, in id order within a batch, even when a smaller id commits late; no listener leaks.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	EventHub,
	readBookEventsSince,
	replayAfter,
	streamTopic,
	type EventHubOptions,
	type HubEvent
} from '../../../src/lib/server/events';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

/**
 * Late commits and NOTIFY wake-ups only exist on a real Postgres: PGlite runs one transaction
 * at a time and delivers a NOTIFY only to the connection that sent it. Those tests are defined
 * only when the suite runs on Postgres (CI runs it on both); on PGlite, polling is what is tested.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const itOnPostgres: typeof it = onPostgres ? it : ((() => undefined) as unknown as typeof it);

let db: TestDatabase;
const hubs: EventHub[] = [];

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await Promise.all(hubs.map((hub) => hub.stop()));
	await db.close();
});

/** A started hub: its own LISTEN connection on Postgres, the test's pool on PGlite. */
async function aHub(options: Partial<EventHubOptions> = {}): Promise<EventHub> {
	const hub = new EventHub({
		source: db.kind === 'postgres' ? { url: db.url } : { pool: db.pool },
		pollIntervalMs: 20,
		...options
	});
	hubs.push(hub);
	await hub.start();
	return hub;
}

/** Resolves with the first `count` events of `topic`, then unsubscribes. */
function nextEvents(hub: EventHub, topic: string, count: number): Promise<HubEvent[]> {
	return new Promise((resolve) => {
		const seen: HubEvent[] = [];
		const unsubscribe = hub.subscribe(topic, (event) => {
			seen.push(event);
			if (seen.length === count) {
				unsubscribe();
				resolve(seen);
			}
		});
	});
}

type Runner = Pick<pg.ClientBase, 'query'>;

/** Inserts one event per seq (no seq: one event) on `topic`; returns their ids. */
async function insertEvents(
	runner: Runner,
	topic: string,
	seqs: (number | null)[] = [null],
	notify = false
): Promise<string[]> {
	const optionId = topic.includes(':') ? topic.split(':')[1] : null;
	const { rows } = await runner.query<{ id: string }>(
		`WITH inserted AS (
		   INSERT INTO events (topic, kind, option_id, book_seq, payload)
		   SELECT $1, 'test', $2::uuid, seq, jsonb_build_object('seq', seq)
		     FROM unnest($3::bigint[]) WITH ORDINALITY AS s(seq, n) ORDER BY n
		   RETURNING id)
		 SELECT id::text, ${notify ? `pg_notify('betwise_events', id::text)` : 'null'} FROM inserted ORDER BY inserted.id`,
		[topic, optionId, seqs]
	);
	return rows.map((row) => row.id);
}

const bookTopic = () => `book:${randomUUID()}`;

describe('the event hub', () => {
	it('delivers each event to the subscribers of its topic, in id order', async () => {
		const hub = await aHub();
		const [bookA, bookB, quiet] = [bookTopic(), bookTopic(), bookTopic()];
		const forA = nextEvents(hub, bookA, 3);
		const alsoForA = nextEvents(hub, bookA, 3);
		const forB = nextEvents(hub, bookB, 2);
		const idsA = await insertEvents(db.pool, bookA, [1, 2]);
		const idsB = await insertEvents(db.pool, bookB, [1, 2]);
		idsA.push(...(await insertEvents(db.pool, bookA, [3])));
		await insertEvents(db.pool, quiet);

		expect((await forA).map((event) => event.id)).toEqual(idsA);
		expect((await alsoForA).map((event) => event.id)).toEqual(idsA);
		const eventsB = await forB;
		expect(eventsB.map((event) => event.id)).toEqual(idsB);
		expect(eventsB.map((event) => event.bookSeq)).toEqual(['1', '2']);
		expect(eventsB[0]).toMatchObject({ topic: bookB, kind: 'test', payload: { seq: 1 } });
	});

	it('delivers events committed before start only through the catch-up read', async () => {
		const topic = bookTopic();
		const [before] = await insertEvents(db.pool, topic, [1]);
		const hub = await aHub();
		const next = nextEvents(hub, topic, 1);
		const [after] = await insertEvents(db.pool, topic, [2]);
		expect((await next).map((event) => event.id)).toEqual([after]);
		expect(before).not.toBe(after);
	});

	itOnPostgres(
		'delivers exactly once an event that commits after a larger id was delivered',
		async () => {
			const hub = await aHub();
			const topic = bookTopic();
			const seen: string[] = [];
			const unsubscribe = hub.subscribe(topic, (event) => seen.push(event.id));
			const [early, late] = [new pg.Client(db.url), new pg.Client(db.url)];
			await Promise.all([early.connect(), late.connect()]);
			try {
				await late.query('BEGIN');
				const [lateId] = await insertEvents(late, topic);
				await early.query('BEGIN');
				const [earlyId] = await insertEvents(early, topic);
				await early.query('COMMIT');
				await vi.waitFor(() => expect(seen).toEqual([earlyId]), { timeout: 10_000 });

				await late.query('COMMIT');
				const [sentinel] = await insertEvents(db.pool, topic);
				await vi.waitFor(() => expect(seen).toContain(sentinel), { timeout: 10_000 });
				expect(Number(lateId)).toBeLessThan(Number(earlyId));
				expect(seen).toEqual([earlyId, lateId, sentinel]);
			} finally {
				unsubscribe();
				await Promise.all([early.end(), late.end()]);
			}
		}
	);

	itOnPostgres(
		'delivers a late smaller id whose transaction began before the delivered one',
		async () => {
			// The older transaction holds back pg_snapshot_xmin, yet its event has the larger id:
			// a reader of "id > last AND xid < xmin" would deliver it and then skip the other.
			const hub = await aHub();
			const topic = bookTopic();
			const seen: string[] = [];
			const unsubscribe = hub.subscribe(topic, (event) => seen.push(event.id));
			const [older, younger] = [new pg.Client(db.url), new pg.Client(db.url)];
			await Promise.all([older.connect(), younger.connect()]);
			try {
				await older.query('BEGIN');
				await older.query('SELECT pg_current_xact_id()');
				await younger.query('BEGIN');
				const [youngerId] = await insertEvents(younger, topic);
				const [olderId] = await insertEvents(older, topic);
				await older.query('COMMIT');
				await vi.waitFor(() => expect(seen).toEqual([olderId]), { timeout: 10_000 });

				await younger.query('COMMIT');
				const [sentinel] = await insertEvents(db.pool, topic);
				await vi.waitFor(() => expect(seen).toContain(sentinel), { timeout: 10_000 });
				expect(seen).toEqual([olderId, youngerId, sentinel]);
			} finally {
				unsubscribe();
				await Promise.all([older.end(), younger.end()]);
			}
		}
	);

	itOnPostgres('wakes on NOTIFY without waiting for a poll', async () => {
		const hub = await aHub({ pollIntervalMs: 600_000 });
		const topic = bookTopic();
		const next = nextEvents(hub, topic, 1);
		const client = await db.pool.connect();
		try {
			await client.query('BEGIN');
			const [id] = await insertEvents(client, topic, [null], true);
			await client.query('COMMIT');
			expect((await next).map((event) => event.id)).toEqual([id]);
			expect(hub.stats().notifications).toBeGreaterThan(0);
		} finally {
			client.release();
		}
	});

	it('reads many events in bounded batches without losing one', async () => {
		const hub = await aHub({ batchSize: 7 });
		const topic = bookTopic();
		const seqs = Array.from({ length: 50 }, (_, i) => i + 1);
		const all = nextEvents(hub, topic, seqs.length);
		const ids = await insertEvents(db.pool, topic, seqs);
		expect((await all).map((event) => event.id)).toEqual(ids);
	});

	it('leaves no listener behind after 10,000 subscribe and unsubscribe cycles', async () => {
		const hub = await aHub();
		for (let i = 0; i < 10_000; i++) {
			const unsubscribe = hub.subscribe(`book:${i % 100}`, () => undefined);
			unsubscribe();
			unsubscribe();
		}
		expect(hub.listenerCount()).toBe(0);
		expect(hub.stats().topics).toBe(0);
	});

	it('keeps delivering to others when a listener throws', async () => {
		const errors: unknown[] = [];
		const hub = await aHub({ onError: (error) => errors.push(error) });
		const topic = bookTopic();
		const unsubscribe = hub.subscribe(topic, () => {
			throw new Error('listener failed');
		});
		const next = nextEvents(hub, topic, 1);
		const [id] = await insertEvents(db.pool, topic);
		expect((await next)[0]?.id).toBe(id);
		expect(errors).toHaveLength(1);
		unsubscribe();
	});
});

describe('a topic stream', () => {
	it('tells a consumer that fell behind to resynchronise instead of buffering without bound', async () => {
		const hub = await aHub();
		const topic = bookTopic();
		const stream = streamTopic(hub, topic, { maxBuffered: 3 });
		const first = stream.next();
		const [firstId] = await insertEvents(db.pool, topic, [1]);
		expect(await first).toMatchObject({ value: { type: 'event', event: { id: firstId } } });

		const ids = await insertEvents(db.pool, topic, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		await vi.waitFor(() => expect(hub.stats().lastEventId).toBe(ids.at(-1)), { timeout: 10_000 });
		expect((await stream.next()).value).toEqual({ type: 'overflow', dropped: 8 });
		const rest = [(await stream.next()).value, (await stream.next()).value];
		expect(rest.map((item) => item?.type === 'event' && item.event.id)).toEqual(ids.slice(-2));
		await stream.return();
		expect(hub.listenerCount(topic)).toBe(0);
	});

	it('unsubscribes when its signal aborts, 1,000 times over', async () => {
		const hub = await aHub();
		for (let i = 0; i < 1_000; i++) {
			const abort = new AbortController();
			const pending = streamTopic(hub, 'book:churn', { signal: abort.signal }).next();
			abort.abort();
			expect(await pending).toEqual({ done: true, value: undefined });
		}
		expect(hub.listenerCount()).toBe(0);
	});
});

describe('catching a book up from the outbox', () => {
	it("returns the book's events after a seq, in seq order, and no other topic's", async () => {
		const optionId = randomUUID();
		await insertEvents(db.pool, `book:${optionId}`, [1, 2, 3, 4, 5]);
		await insertEvents(db.pool, `trades:${optionId}`, [4]);
		const events = await readBookEventsSince(db.pool, optionId, 2n, 2);
		expect(events.map((event) => event.bookSeq)).toEqual(['3', '4']);
		expect(events.every((event) => event.topic === `book:${optionId}`)).toBe(true);
	});
});

describe('resuming a topic from a cursor', () => {
	/** What replayAfter sends a client back with `lastEventId`, or why it refuses. */
	async function replayed(topic: string, lastEventId: string): Promise<string[][] | string> {
		const replay = replayAfter(db.pool, [topic], lastEventId, (_, point) => new Error(point))!;
		const pages: string[][] = [];
		try {
			for await (const page of replay()) pages.push(page.map((event) => event.id));
		} catch (error) {
			return (error as Error).message;
		}
		return pages;
	}

	itOnPostgres(
		'replays exactly what a client missed, also a smaller id that committed after the one it got',
		async () => {
			const hub = await aHub();
			const topic = `trades:${randomUUID()}`;
			const seen: HubEvent[] = [];
			const unsubscribe = hub.subscribe(topic, (event) => seen.push(event));
			const [early, late] = [new pg.Client(db.url), new pg.Client(db.url)];
			await Promise.all([early.connect(), late.connect()]);
			try {
				await late.query('BEGIN');
				const [lateId] = await insertEvents(late, topic);
				const [earlyId] = await insertEvents(early, topic);
				await vi.waitFor(() => expect(seen.map((e) => e.id)).toEqual([earlyId]), {
					timeout: 10_000
				});
				await late.query('COMMIT');
				const [sentinel] = await insertEvents(db.pool, topic);
				await vi.waitFor(() => expect(seen).toHaveLength(3), { timeout: 10_000 });
				expect(Number(lateId)).toBeLessThan(Number(earlyId));
				const [gotEarly, gotLate, gotSentinel] = seen;

				// Gone after the larger id: "every id after it" would never send the smaller one.
				expect(await replayed(topic, gotEarly!.cursor)).toEqual([[lateId, sentinel]]);
				// Gone after the smaller one: the larger was sent before it, and is not sent again.
				expect(await replayed(topic, gotLate!.cursor)).toEqual([[sentinel]]);
				expect(await replayed(topic, gotSentinel!.cursor)).toEqual([]);
			} finally {
				unsubscribe();
				await Promise.all([early.end(), late.end()]);
			}
		}
	);

	it('replays in pages, and refuses a cursor it did not hand out or whose event was pruned', async () => {
		const hub = await aHub();
		const topic = `trades:${randomUUID()}`;
		const first = nextEvents(hub, topic, 1);
		await insertEvents(db.pool, topic);
		const [seen] = await first;
		const seqs = Array.from({ length: 2_500 }, () => null);
		const missed = await insertEvents(db.pool, topic, seqs);
		await insertEvents(db.pool, `trades:${randomUUID()}`);

		const pages = (await replayed(topic, seen!.cursor)) as string[][];
		expect(pages.map((page) => page.length)).toEqual([1_000, 1_000, 500]);
		expect(pages.flat()).toEqual(missed);
		// From the middle of a page: the rest of it, as streamTopic's catch-up reads it.
		const replay = replayAfter(db.pool, [topic], seen!.cursor, () => new Error('refused'))!;
		const pagesOf = async (pages: AsyncIterable<HubEvent[]>) => {
			const all: HubEvent[][] = [];
			for await (const page of pages) all.push(page);
			return all;
		};
		const [firstPage] = await pagesOf(replay());
		const rest = await pagesOf(replay(firstPage![499]!.cursor));
		expect(rest.flat().map((event) => event.id)).toEqual(missed.slice(500));

		const [from, to, id] = seen!.cursor.split('/') as [string, string, string];
		const future = to.replace(
			/^(\d+):(\d+):.*$/,
			(_, xmin, xmax) => `${xmin}:${BigInt(xmax) + 1_000_000n}:`
		);
		expect(await replayed(topic, `${from}/${future}/${id}`)).toBe('ahead');
		expect(await replayed(topic, `${from}/${to}/${BigInt(missed.at(-1)!) + 1_000_000n}`)).toBe(
			'ahead'
		);
		expect(await replayed(topic, 'yesterday')).toBe('ahead');
		await db.pool.query('DELETE FROM events WHERE id <= $1::bigint', [id]);
		expect(await replayed(topic, seen!.cursor)).toBe('pruned');
	});
});
