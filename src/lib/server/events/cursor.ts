// Where a client of an event stream is: the tracked id it is sent with each event and sends back
// as `lastEventId`. Ids are taken when a transaction writes its events, not when it commits, so
// a smaller id can commit after a larger one that was already sent; "every event after id N"
// would then miss it. The hub reads the outbox a snapshot at a time instead (outbox.ts): the
// events of the transactions that committed after snapshot `from` and by snapshot `to`, in id
// order. A cursor names that batch and the event's id in it, "from/to/id", and says exactly what
// its client was sent: every event of a transaction visible in `from`, and those of the batch up
// to `id`. What it missed is the rest of that batch and everything that committed after `to`.

/** A pg_snapshot as text, "xmin:xmax:xip,...", and what it makes visible. */
export interface Snapshot {
	text: string;
	xmin: bigint;
	xmax: bigint;
	/** Transactions in progress when it was taken. */
	inProgress: ReadonlySet<bigint>;
}

export interface EventCursor {
	from: Snapshot;
	to: Snapshot;
	/** The last event of the batch sent. */
	afterId: string;
}

const SNAPSHOT = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20})(?:,\d{1,20})*)?$/;
const ID = /^\d{1,19}$/;
/** Longest cursor taken: two snapshots with some transactions in progress each. */
export const MAX_CURSOR_LENGTH = 4_096;

/** The snapshot `text` names, or null when it is not one Postgres would print. */
export function parseSnapshot(text: string): Snapshot | null {
	const match = SNAPSHOT.exec(text);
	if (!match) return null;
	const xmin = BigInt(match[1]!);
	const xmax = BigInt(match[2]!);
	if (xmin > xmax) return null;
	const inProgress = new Set<bigint>();
	let previous = -1n;
	for (const xid of match[3] ? match[3].split(',').map(BigInt) : []) {
		// Postgres prints them ascending, each in [xmin, xmax), and refuses anything else.
		if (xid <= previous || xid < xmin || xid >= xmax) return null;
		inProgress.add(xid);
		previous = xid;
	}
	return { text, xmin, xmax, inProgress };
}

/** pg_visible_in_snapshot for a transaction that committed (an event's). */
export function visibleIn(xid: bigint, snapshot: Snapshot): boolean {
	return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.inProgress.has(xid));
}

/** The tracked id of event `id`, read in the batch between snapshots `from` and `to`. */
export function cursorText(from: string, to: string, id: string): string {
	return `${from}/${to}/${id}`;
}

/** The cursor `text` names, or null: an event id of old (a number alone) or not a cursor. */
export function parseCursor(text: string): EventCursor | null {
	if (text.length > MAX_CURSOR_LENGTH) return null;
	const parts = text.split('/');
	if (parts.length !== 3 || !ID.test(parts[2]!)) return null;
	const from = parseSnapshot(parts[0]!);
	const to = parseSnapshot(parts[1]!);
	// A batch's `to` is taken after its `from`: what was visible then still is.
	if (!from || !to || to.xmax < from.xmax || to.xmin < from.xmin) return null;
	return { from, to, afterId: parts[2]! };
}

/** Whether the client at `cursor` was sent `event` already. */
export function covers(cursor: EventCursor, event: { id: string; xid: string }): boolean {
	const xid = BigInt(event.xid);
	return (
		visibleIn(xid, cursor.from) ||
		(visibleIn(xid, cursor.to) && BigInt(event.id) <= BigInt(cursor.afterId))
	);
}

/** A tracked id as a stream's `lastEventId` takes it: a cursor, or an event id of old. */
export const isEventCursor = (text: string): boolean =>
	/^\d+$/.test(text) || parseCursor(text) !== null;
