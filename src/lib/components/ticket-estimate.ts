// What an order would cost and could pay, before it is sent, in integer cents (Kalshi's model):
// buying YES costs the price; selling shares you hold pays the price; selling beyond them opens a
// short that holds 100 − price per share as collateral and pays 100 if the option loses.
import { canRest } from '$lib/shared/orders';
import type { BookLevel } from '$lib/trpc/types';

type Level = Pick<BookLevel, 'priceCents' | 'quantity'>;

/** A resting order of the trader's own on this option, as the book shows it. */
export interface OwnOrder {
	side: 'BUY' | 'SELL';
	priceCents: number | null;
	quantity: number;
	filledQuantity: number;
}

export interface TicketEstimate {
	/** Shares that would trade: all of them for an order that rests, else what the book holds now. */
	quantity: number;
	/** False for an order that cannot rest (market, IOC, FOK): what the book lacks is cancelled. */
	rests: boolean;
	/** Cash the order takes: the buy price, or the collateral of a new short. */
	costCents: number;
	/**
	 * Available cash the exchange requires when the order arrives. An order that rests holds its
	 * cost; one that cannot rest holds only what it would take from the book, priced at the worst
	 * level it would reach (the server's rule, so the ticket warns exactly when it would refuse).
	 */
	holdCents: number;
	/** Cash received now for shares you already hold. */
	receiveCents: number;
	/** What the shares pay at best when the market settles. */
	maxPayoutCents: number;
}

/** The book without the trader's own resting orders, which an order of theirs never trades with. */
export function withoutOwnOrders(levels: readonly Level[], own: readonly OwnOrder[]): Level[] {
	return levels
		.map((level) => {
			const mine = own
				.filter((order) => order.priceCents === level.priceCents)
				.reduce((sum, order) => sum + order.quantity - order.filledQuantity, 0);
			return { priceCents: level.priceCents, quantity: level.quantity - mine };
		})
		.filter((level) => level.quantity > 0);
}

/** Fills an order would make against the book as it is now (best level first). */
function walk(levels: readonly Level[], quantity: number) {
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
	timeInForce,
	priceCents,
	quantity,
	heldShares,
	bids,
	asks,
	ownOrders = []
}: {
	side: 'BUY' | 'SELL';
	type: 'LIMIT' | 'MARKET';
	timeInForce: 'GTC' | 'IOC' | 'FOK' | 'GTD';
	priceCents: number | null;
	quantity: number;
	/** Shares of this option held and not promised to other sell orders. */
	heldShares: number;
	bids: readonly Level[];
	asks: readonly Level[];
	/** The trader's resting orders on this option (they are in `bids` and `asks`). */
	ownOrders?: readonly OwnOrder[];
}): TicketEstimate | null {
	if (!Number.isInteger(quantity) || quantity < 1) return null;
	const limited = type === 'LIMIT';
	if (
		limited &&
		(priceCents === null || !Number.isInteger(priceCents) || priceCents < 1 || priceCents > 99)
	)
		return null;
	const rests = canRest({ type, timeInForce });
	let fills: { priceCents: number; quantity: number }[];
	if (rests) {
		fills = [{ priceCents: priceCents!, quantity }];
	} else {
		const buying = side === 'BUY';
		const others = withoutOwnOrders(
			buying ? asks : bids,
			ownOrders.filter((order) => order.side !== side)
		);
		const reachable = limited
			? others.filter((level) =>
					buying ? level.priceCents <= priceCents! : level.priceCents >= priceCents!
				)
			: others;
		fills = walk(reachable, quantity);
	}
	let costCents = 0;
	let receiveCents = 0;
	let maxPayoutCents = 0;
	let held = Math.max(0, heldShares);
	let traded = 0;
	let shortShares = 0;
	for (const fill of fills) {
		traded += fill.quantity;
		if (side === 'BUY') {
			costCents += fill.priceCents * fill.quantity;
			maxPayoutCents += 100 * fill.quantity;
		} else {
			const closing = Math.min(held, fill.quantity);
			const opening = fill.quantity - closing;
			held -= closing;
			shortShares += opening;
			receiveCents += fill.priceCents * closing;
			costCents += (100 - fill.priceCents) * opening;
			maxPayoutCents += 100 * opening;
		}
	}
	const worstCents = fills.at(-1)?.priceCents ?? 0;
	const holdCents = rests
		? costCents
		: side === 'BUY'
			? worstCents * traded
			: (100 - worstCents) * shortShares;
	return { quantity: traded, rests, costCents, holdCents, receiveCents, maxPayoutCents };
}
