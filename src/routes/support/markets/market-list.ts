// The list of markets as the Markets support page holds it: the pages read so far ("Show more"),
// re-read from the top after a change so every row shows the market as it is now.
import type { Paged } from '$lib/components/paged-list';

/** Markets per page of the list. */
export const MARKETS_PAGE_SIZE = 20;
/** The most markets.list gives in one call. */
const MAX_PAGE = 100;

/**
 * The list's rows read afresh, as many as it shows (at least a page), so that a change to any
 * of them, or a market made meanwhile, shows without losing the pages already read.
 */
export async function rereadShown<T>(
	shown: number,
	readPage: (cursor: string | undefined, limit: number) => Promise<Paged<T>>
): Promise<Paged<T>> {
	const wanted = Math.max(shown, MARKETS_PAGE_SIZE);
	let fresh = await readPage(undefined, Math.min(wanted, MAX_PAGE));
	while (fresh.items.length < wanted && fresh.nextCursor !== null) {
		const more = await readPage(fresh.nextCursor, Math.min(wanted - fresh.items.length, MAX_PAGE));
		fresh = { items: [...fresh.items, ...more.items], nextCursor: more.nextCursor };
	}
	return fresh;
}
