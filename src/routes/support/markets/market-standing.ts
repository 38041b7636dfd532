// Where a shown market stands (status, close time, how it ended) as it changes while the page is
// open: another admin's change or the app's own close at the close time, from markets.onStatus.
import type { MarketListItem } from '$lib/shared/markets';
import { trpc } from '$lib/trpc/client';
import { follow } from '$lib/trpc/live';

/** The part of a market that a status update moves. */
export type MarketStanding = Pick<
	MarketListItem,
	'status' | 'closesAt' | 'resolution' | 'resolvedOptionId'
>;

export function sameStanding(a: MarketStanding, b: MarketStanding): boolean {
	return (
		a.status === b.status &&
		a.closesAt.getTime() === b.closesAt.getTime() &&
		a.resolution === b.resolution &&
		a.resolvedOptionId === b.resolvedOptionId
	);
}

function standingOf(market: MarketStanding): MarketStanding {
	const { status, closesAt, resolution, resolvedOptionId } = market;
	return { status, closesAt, resolution, resolvedOptionId };
}

export interface StandingListener {
	/** The standing as the stream sends it (the current one first), or as re-read after a reconnect. */
	onStanding: (standing: MarketStanding, how: 'streamed' | 'reread') => void;
	/** The re-read after a reconnect failed; the stream still sends the next change. */
	onRereadError: (error: unknown) => void;
}

/**
 * Follows one market, as the market page does, until the returned function is called: updates
 * from the stream, and after a reconnect the market read again, as changes may have come and
 * gone while the socket was down.
 */
export function followStanding(
	marketId: string,
	{ onStanding, onRereadError }: StandingListener
): () => void {
	return follow(
		(callbacks) =>
			trpc().markets.onStatus.subscribe(
				{ marketId },
				{ onData: ({ data: update }) => onStanding(standingOf(update), 'streamed'), ...callbacks }
			),
		{
			resync: () =>
				void trpc()
					.markets.get.query({ id: marketId })
					.then((market) => onStanding(standingOf(market), 'reread'), onRereadError)
		}
	);
}
