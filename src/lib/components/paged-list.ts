// A list the trader reads newest first and extends page by page ("Show older"), kept whole when
// live updates re-read its newest page: the two meet by id, so no row is lost or shown twice.

export interface Paged<T> {
	items: T[];
	/** Where the next older page starts; null when the list holds the oldest item. */
	nextCursor: string | null;
}

/** Negative when `a` belongs before (is newer than) `b`. */
export type NewestFirst<T> = (a: T, b: T) => number;

/**
 * The list with an older page appended. A page asked for at a cursor the list has since left
 * (a refresh replaced it) is dropped, as its place in the list is no longer known.
 */
export function appendOlder<T extends { id: string }>(
	list: Paged<T>,
	page: Paged<T>,
	askedCursor: string
): Paged<T> {
	if (list.nextCursor !== askedCursor) return list;
	const held = new Set(list.items.map((item) => item.id));
	return {
		items: [...list.items, ...page.items.filter((item) => !held.has(item.id))],
		nextCursor: page.nextCursor
	};
}

/** Whether newest pages read afresh reach back to the list's newest item, leaving no gap. */
export function reaches<T>(list: Paged<T>, fresh: Paged<T>, newestFirst: NewestFirst<T>): boolean {
	const newestHeld = list.items[0];
	const oldestFresh = fresh.items.at(-1);
	if (!newestHeld || !oldestFresh || fresh.nextCursor === null) return true;
	return newestFirst(oldestFresh, newestHeld) >= 0;
}

/**
 * The list after re-reading its newest pages: fresh items replace held ones of the same id, and
 * the pages the trader loaded stay. When the fresh pages do not reach the list (more arrived
 * than were read), what lay between is unknown, so the list restarts from the fresh pages.
 */
export function mergeNewest<T extends { id: string }>(
	list: Paged<T>,
	fresh: Paged<T>,
	newestFirst: NewestFirst<T>
): Paged<T> {
	const oldestHeld = list.items.at(-1);
	const oldestFresh = fresh.items.at(-1);
	if (!oldestHeld || !oldestFresh || !reaches(list, fresh, newestFirst)) return fresh;
	const byId = new Map(list.items.map((item) => [item.id, item]));
	for (const item of fresh.items) byId.set(item.id, item);
	return {
		items: [...byId.values()].sort(newestFirst),
		// The older tail decides where the next page starts.
		nextCursor: newestFirst(oldestFresh, oldestHeld) > 0 ? fresh.nextCursor : list.nextCursor
	};
}

/** Ids are decimal integers of up to 18 digits: compared as numbers, larger (newer) first. */
export function largerIdFirst(a: { id: string }, b: { id: string }): number {
	const [x, y] = [BigInt(a.id), BigInt(b.id)];
	return x === y ? 0 : x > y ? -1 : 1;
}

/** Orders read newest by time first, then by id, as orders.list pages them. */
export function newerOrderFirst(
	a: { id: string; createdAt: Date },
	b: { id: string; createdAt: Date }
): number {
	return b.createdAt.getTime() - a.createdAt.getTime() || largerIdFirst(a, b);
}

/**
 * Ledger rows as account.ledger pages them: journal by journal, newest by time first, then by
 * journal id; within a journal, larger id first.
 */
export function newerLedgerRowFirst(
	a: { id: string; journalId: string; createdAt: Date },
	b: { id: string; journalId: string; createdAt: Date }
): number {
	return (
		b.createdAt.getTime() - a.createdAt.getTime() ||
		largerIdFirst({ id: a.journalId }, { id: b.journalId }) ||
		largerIdFirst(a, b)
	);
}

/**
 * The newest pages, read on until they reach the list's newest item, so that merging them leaves
 * no gap; after `maxPages` the merge restarts the list instead.
 */
export async function readNewest<T>(
	list: Paged<T>,
	readPage: (cursor: string | undefined) => Promise<Paged<T>>,
	newestFirst: NewestFirst<T>,
	maxPages = 5
): Promise<Paged<T>> {
	let fresh = await readPage(undefined);
	for (let pages = 1; pages < maxPages && !reaches(list, fresh, newestFirst); pages++) {
		const older = await readPage(fresh.nextCursor ?? undefined);
		fresh = { items: [...fresh.items, ...older.items], nextCursor: older.nextCursor };
	}
	return fresh;
}
