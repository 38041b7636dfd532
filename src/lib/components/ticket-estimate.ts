// What an order would cost and could pay, before it is sent, in integer cents (Kalshi's model):
// buying YES costs the price; selling shares you hold pays the price; selling beyond them opens a
// short that holds 100 − price per share as collateral and pays 100 if the option loses.
import type { BookLevel } from '$lib/trpc/types';

export interface TicketEstimate {
	/** Shares that would trade (market orders: what the book holds now). */
	quantity: number;
	/** Cash the order takes: the buy price, or the collateral of a new short. */
	costCents: number;
	/** Cash received now for shares you already hold. */
	receiveCents: number;
	/** What the shares pay at best when the market settles. */
	maxPayoutCents: number;
	/** Average price of the fills (market orders), or the limit price. */
	averagePriceCents: number | null;
}

/** Fills a market order would make against the book as it is now (best level first). */
function walk(levels: readonly BookLevel[], quantity: number) {
	const fills: { priceCents: number; quantity: number }[] = [];
	let left = quantity;
	for (const level of levels) {
		if (left === 0) break;
		const take = Math.min(left, level.quantity);
		fills.push({ priceCents: level.priceCents, quantity: take });
		left -= take;
	}
	return fills;
}

export function estimateOrder({
	side,
	type,
	priceCents,
	quantity,
	heldShares,
	bids,
	asks
}: {
	side: 'BUY' | 'SELL';
	type: 'LIMIT' | 'MARKET';
	priceCents: number | null;
	quantity: number;
	/** Shares of this option held and not promised to other sell orders. */
	heldShares: number;
	bids: readonly BookLevel[];
	asks: readonly BookLevel[];
}): TicketEstimate | null {
	if (!Number.isInteger(quantity) || quantity < 1) return null;
	let fills: { priceCents: number; quantity: number }[];
	if (type === 'MARKET') {
		fills = walk(side === 'BUY' ? asks : bids, quantity);
	} else {
		if (priceCents === null || !Number.isInteger(priceCents) || priceCents < 1 || priceCents > 99)
			return null;
		fills = [{ priceCents, quantity }];
	}
	let costCents = 0;
	let receiveCents = 0;
	let maxPayoutCents = 0;
	let held = Math.max(0, heldShares);
	let traded = 0;
	let notional = 0;
	for (const fill of fills) {
		traded += fill.quantity;
		notional += fill.priceCents * fill.quantity;
		if (side === 'BUY') {
			costCents += fill.priceCents * fill.quantity;
			maxPayoutCents += 100 * fill.quantity;
		} else {
			const closing = Math.min(held, fill.quantity);
			const opening = fill.quantity - closing;
			held -= closing;
			receiveCents += fill.priceCents * closing;
			costCents += (100 - fill.priceCents) * opening;
			maxPayoutCents += 100 * opening;
		}
	}
	return {
		quantity: traded,
		costCents,
		receiveCents,
		maxPayoutCents,
		averagePriceCents: traded ? Math.round(notional / traded) : null
	};
}
