// An option's order book as the ladder shows it, kept from books.onUpdate: a snapshot replaces
// it, a delta sets the absolute size of the levels that moved (0 removes a level).
import type { BookLevel } from '$lib/trpc/types';

export interface LadderBook {
	seq: string;
	/** Best (highest) first. */
	bids: BookLevel[];
	/** Best (lowest) first. */
	asks: BookLevel[];
	lastPriceCents: number | null;
}

export type BookUpdate =
	| {
			type: 'snapshot';
			seq: string;
			bids: BookLevel[];
			asks: BookLevel[];
			lastPriceCents: number | null;
	  }
	| {
			type: 'delta';
			fromSeq: string;
			seq: string;
			levels: (BookLevel & { side: 'BUY' | 'SELL' })[];
	  };

export function applyBookUpdate(book: LadderBook, update: BookUpdate): LadderBook {
	if (update.type === 'snapshot') {
		return {
			seq: update.seq,
			bids: update.bids,
			asks: update.asks,
			lastPriceCents: update.lastPriceCents
		};
	}
	// A delta older than what we hold (an HTTP snapshot newer than the stream) changes nothing.
	if (BigInt(update.seq) <= BigInt(book.seq)) return book;
	const bids = new Map(book.bids.map((level) => [level.priceCents, level]));
	const asks = new Map(book.asks.map((level) => [level.priceCents, level]));
	for (const { side, ...level } of update.levels) {
		const levels = side === 'BUY' ? bids : asks;
		if (level.quantity > 0) levels.set(level.priceCents, level);
		else levels.delete(level.priceCents);
	}
	return {
		...book,
		seq: update.seq,
		bids: [...bids.values()].sort((a, b) => b.priceCents - a.priceCents),
		asks: [...asks.values()].sort((a, b) => a.priceCents - b.priceCents)
	};
}
