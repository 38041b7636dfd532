// Reading the outbox (`events`): the rows of the transactions that finished between two
// snapshots, for the hub, and what a reconnecting client missed (one book's events after a seq,
// or a topic's after an id), with whether the outbox still holds all of that.
import type pg from 'pg';
import { cursorText, parseCursor, type EventCursor } from './cursor';

export interface HubEvent {
	id: string;
	topic: string;
	kind: string;
	optionId: string | null;
	marketId: string | null;
	userId: string | null;
	/** For book topics, the book's seq after this change; null when the event has none. */
	bookSeq: string | null;
	payload: unknown;
	/** The writing transaction's time: for a trade, the trade's own `createdAt`. */
	createdAt: Date;
	/** The writing transaction's id (xid8, as text). */
	xid: string;
	/**
	 * The tracked id a stream sends this event with (see cursor.ts): its batch and id when it was
	 * read a snapshot at a time, its id alone when it was read by id.
	 */
	cursor: string;
}

interface EventRow {
	id: string;
	topic: string;
	kind: string;
	option_id: string | null;
	market_id: string | null;
	user_id: string | null;
	book_seq: string | null;
	payload: unknown;
	created_at: Date;
	xid: string;
}

const eventColumns = `e.id::text AS id, e.topic, e.kind, e.option_id, e.market_id, e.user_id,
	e.book_seq::text AS book_seq, e.payload, e.created_at, e.xid::text AS xid`;

function toEvent(row: EventRow, cursor: string = row.id): HubEvent {
	return {
		id: row.id,
		topic: row.topic,
		kind: row.kind,
		optionId: row.option_id,
		marketId: row.market_id,
		userId: row.user_id,
		bookSeq: row.book_seq,
		// Frozen: the hub hands this one object to every subscriber, and the WebSocket encoder
		// serialises it once for all of them (src/lib/server/ws/encoding.ts).
		payload: deepFreeze(row.payload),
		createdAt: row.created_at,
		xid: row.xid,
		cursor
	};
}

/** Freezes `value` and everything in it, so that it can be shared read-only. */
export function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const inner of Object.values(value)) deepFreeze(inner);
	}
	return value;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function currentSnapshot(db: Queryable): Promise<string> {
	const { rows } = await db.query<{ snapshot: string }>(
		'SELECT pg_current_snapshot()::text AS snapshot'
	);
	const [row] = rows;
	if (!row) throw new Error('pg_current_snapshot() returned no row');
	return row.snapshot;
}

export interface SnapshotBatch {
	/** The snapshot the batch reads up to: `to` when given, else the statement's own. */
	to: string;
	events: HubEvent[];
}

/**
 * The events of transactions that had finished by snapshot `to` (the current one when null) but
 * not by snapshot `from`, in id order, after `afterId`, at most `limit`; only those of `topics`
 * when given. A transaction that commits late lands in a later batch instead of being skipped,
 * and each lands in exactly one. Within one book, commits follow the book lock, so seq order
 * holds across batches too. Each event's cursor names this batch (see cursor.ts).
 */
export async function readEventsBetween(
	db: Queryable,
	from: string,
	to: string | null,
	afterId: string,
	limit: number,
	topics: readonly string[] | null = null
): Promise<SnapshotBatch> {
	const { rows } = await db.query<EventRow & { snapshot: string }>(
		`SELECT s.snap::text AS snapshot, ${eventColumns}
		   FROM (SELECT coalesce($2::pg_snapshot, pg_current_snapshot()) AS snap) s
		   LEFT JOIN LATERAL (
		        SELECT * FROM events
		         WHERE xid >= pg_snapshot_xmin($1::pg_snapshot) AND xid < pg_snapshot_xmax(s.snap)
		           AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)
		           AND pg_visible_in_snapshot(xid, s.snap)
		           AND id > $3::bigint
		           AND ($5::text[] IS NULL OR topic = ANY($5::text[]))
		         ORDER BY id LIMIT $4) e ON true
		  ORDER BY e.id`,
		[from, to, afterId, limit, topics]
	);
	// The LEFT JOIN always yields the snapshot row, with null event columns when nothing is new.
	const [first] = rows;
	if (!first) throw new Error('the outbox read returned no snapshot row');
	const snapshot = first.snapshot;
	return {
		to: snapshot,
		events: rows
			.filter((row) => row.id !== null)
			.map((row) => toEvent(row, cursorText(from, snapshot, row.id)))
	};
}

/**
 * One book's events after `afterSeq`, in seq order, at most `limit`: what a client that saw
 * `afterSeq` missed. Seqs are taken under the book lock, so committed ones have no gaps; when the
 * first returned seq is not `afterSeq + 1` the outbox no longer holds the gap (send a snapshot).
 */
export async function readBookEventsSince(
	pool: Queryable,
	optionId: string,
	afterSeq: bigint | string,
	limit: number
): Promise<HubEvent[]> {
	const { rows } = await pool.query<EventRow>(
		`SELECT ${eventColumns} FROM events e
		  WHERE e.option_id = $1 AND e.topic = $2 AND e.book_seq > $3::bigint
		  ORDER BY e.book_seq, e.id LIMIT $4`,
		[optionId, `book:${optionId}`, String(afterSeq), limit]
	);
	return rows.map((row) => toEvent(row));
}

/** The largest id a bigint column holds: no event comes after it. */
const MAX_EVENT_ID = 2n ** 63n - 1n;

/**
 * The events of `topics` with ids after `afterId`, in id order, at most `limit`: what a client of
 * an untracked-by-seq stream (trades, prices) missed while it was away.
 */
async function readTopicEventsAfter(
	pool: Queryable,
	topics: readonly string[],
	afterId: string,
	limit: number
): Promise<HubEvent[]> {
	// Past bigint, the query would fail on the cast rather than find nothing.
	if (BigInt(afterId) > MAX_EVENT_ID) return [];
	const { rows } = await pool.query<EventRow>(
		`SELECT ${eventColumns} FROM events e
		  WHERE e.topic = ANY($1::text[]) AND e.id > $2::bigint
		  ORDER BY e.id LIMIT $3`,
		[topics, afterId, limit]
	);
	return rows.map((row) => toEvent(row));
}

/**
 * What a resume is checked against: the oldest event the outbox holds (null when empty), the
 * newest id it handed out, and the current snapshot's xmax. The newest is the sequence's as well
 * as max(id): a client may hold the newest id after pruning deleted it.
 */
async function outboxBounds(
	pool: Queryable
): Promise<{ oldest: bigint | null; newest: bigint; xmax: bigint }> {
	const { rows } = await pool.query<{ oldest: string | null; newest: string; xmax: string }>(
		`SELECT (SELECT min(id) FROM events)::text AS oldest,
		        greatest((SELECT max(id) FROM events),
		                 pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass),
		                 0)::text AS newest,
		        pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`
	);
	const [row] = rows;
	if (!row) throw new Error('the outbox bounds read returned no row');
	return {
		oldest: row.oldest === null ? null : BigInt(row.oldest),
		newest: BigInt(row.newest),
		xmax: BigInt(row.xmax)
	};
}

/**
 * Whether the outbox can replay every event after id `afterId`: 'ahead' when it never handed out
 * that id (a cursor from another database, or garbage), 'pruned' when events after it may have
 * been deleted, else 'held'. Read it after the replay, so that pruning meanwhile shows here.
 */
export async function resumePointOf(pool: Queryable, afterId: string): Promise<ResumePoint> {
	const { oldest, newest } = await outboxBounds(pool);
	const after = BigInt(afterId);
	if (after > newest) return 'ahead';
	// Pruning deletes the oldest first: any id below the oldest held may have been an event.
	return after + 1n < (oldest ?? newest + 1n) ? 'pruned' : 'held';
}

/**
 * Whether the outbox can replay what a client at `cursor` missed: 'ahead' when it was not taken
 * here (its snapshot or id lies past this database's newest: another database's, or made up),
 * 'pruned' when pruning has deleted its event, else 'held'. What it missed is the rest of its
 * batch and all that committed later. The batch's late commits took ids below the cursor's, but
 * at about the same time (seconds), and pruning deletes by age (hours), oldest first: it would
 * have to stop exactly between them to delete one of those and not the cursor's event.
 */
async function cursorPointOf(pool: Queryable, cursor: EventCursor): Promise<ResumePoint> {
	const { oldest, newest, xmax } = await outboxBounds(pool);
	const after = BigInt(cursor.afterId);
	if (cursor.to.xmax > xmax || after > newest) return 'ahead';
	return oldest === null || after < oldest ? 'pruned' : 'held';
}

/** Events a replay reads per query: a client that missed more gets them in several pages. */
export const REPLAY_PAGE_SIZE = 1_000;

export type ResumePoint = 'held' | UnreplayablePoint;

/** Why a replay cannot tell a client exactly what it missed (see resumePointOf, cursorPointOf). */
export type UnreplayablePoint = 'pruned' | 'ahead';

type Replay = AsyncGenerator<HubEvent[], void, undefined>;

/**
 * streamTopic's replay for a client that reconnects with `lastEventId`: every event of `topics`
 * it missed, read in pages of REPLAY_PAGE_SIZE; none without one. For a cursor (cursor.ts), the
 * rest of its batch and then what committed after it, each in id order, with cursors of their
 * own; for an event id of old (sent before cursors), every event after it in id order. When the
 * outbox may no longer hold some of them (pruned), or never handed out that cursor or id (ahead),
 * it throws `refuse(lastEventId, point)` instead: replaying what is left would tell the client it
 * missed only that. Each page is checked after it is read, so pruning meanwhile shows before it
 * is sent. Given a cursor or id, it reads after that one instead (streamTopic's catchUp).
 */
export function replayAfter(
	pool: Queryable,
	topics: readonly string[],
	lastEventId: string | null | undefined,
	refuse: (afterId: string, point: UnreplayablePoint) => Error
): ((after?: string) => Replay) | undefined {
	if (!lastEventId) return undefined;
	return (after: string = lastEventId) => {
		const cursor = parseCursor(after);
		if (cursor) return replayAfterCursor(pool, topics, cursor, (point) => refuse(after, point));
		return replayAfterId(pool, topics, after, (point) => refuse(after, point));
	};
}

async function* replayAfterCursor(
	pool: Queryable,
	topics: readonly string[],
	cursor: EventCursor,
	refuse: (point: UnreplayablePoint) => Error
): Replay {
	const restOfBatch = { from: cursor.from.text, to: cursor.to.text, afterId: cursor.afterId };
	const committedSince = { from: cursor.to.text, to: null as string | null, afterId: '0' };
	for (const batch of [restOfBatch, committedSince]) {
		for (;;) {
			const { to, events } = await readEventsBetween(
				pool,
				batch.from,
				batch.to,
				batch.afterId,
				REPLAY_PAGE_SIZE,
				topics
			);
			const point = await cursorPointOf(pool, cursor);
			if (point !== 'held') throw refuse(point);
			if (events.length > 0) yield events;
			if (events.length < REPLAY_PAGE_SIZE) break;
			batch.to = to;
			batch.afterId = events.at(-1)!.id;
		}
	}
}

async function* replayAfterId(
	pool: Queryable,
	topics: readonly string[],
	lastEventId: string,
	refuse: (point: UnreplayablePoint) => Error
): Replay {
	// Neither a cursor nor an id: never handed out here.
	if (!/^\d+$/.test(lastEventId)) throw refuse('ahead');
	let afterId = lastEventId;
	for (;;) {
		const page = await readTopicEventsAfter(pool, topics, afterId, REPLAY_PAGE_SIZE);
		const point = await resumePointOf(pool, afterId);
		if (point !== 'held') throw refuse(point);
		if (page.length > 0) yield page;
		if (page.length < REPLAY_PAGE_SIZE) return;
		afterId = page.at(-1)!.id;
	}
}
