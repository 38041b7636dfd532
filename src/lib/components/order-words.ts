// Orders in plain words: why one was rejected, what happened to it, and which engine served it.
// Every page says these things the same way because they are said only here.
import { formatCount } from '$lib/shared/format';
import type { OrderStatus, OrderView } from '$lib/shared/orders';

const rejectReasons: Record<string, string> = {
	INSUFFICIENT_FUNDS: 'You do not have enough available cash for this order.',
	MARKET_NOT_OPEN: 'This market is not open for trading right now.',
	POST_ONLY_WOULD_CROSS:
		'A post-only order must not trade on arrival, and at this price it would have.',
	FOK_NOT_FILLED:
		'Fill-or-kill needs the whole quantity at your price or better, and the book did not have it.',
	EXPIRED_ON_ARRIVAL: 'The expiry time had already passed when the order arrived.',
	INVALID_EXPIRY: 'Good-till-date orders need an expiry time in the future.',
	INVALID_PRICE: 'The price must be between 1¢ and 99¢.',
	INVALID_QUANTITY: 'The quantity must be a whole number of shares, at least 1.',
	INVALID_TIME_IN_FORCE: 'That time in force cannot be used with this order type.',
	INVALID_SIDE: 'Choose buy or sell.',
	INVALID_ORDER_TYPE: 'Choose a limit or a market order.',
	INVALID_COMMAND: 'The order was incomplete.',
	DUPLICATE_ORDER_ID: 'This order was already sent.',
	WOULD_CROSS: 'The order could not be placed. Try again.',
	// Why a resting order left the book without trading.
	SELF_TRADE: 'Cancelled because it would have traded with another order of yours.',
	IOC_REMAINDER: 'The part that could not trade at once was cancelled.',
	MARKET_CLOSED: 'Cancelled because the market closed.',
	ADMIN: 'Cancelled by BetWise staff.',
	USER: 'Cancelled by you.'
};

/** A reject (or cancel) reason code as a sentence; orderReasonText fits it to the order. */
function reasonText(code: string | null): string {
	if (!code) return 'No reason was given.';
	return (
		rejectReasons[code] ?? `The order was refused (${code.toLowerCase().replaceAll('_', ' ')}).`
	);
}

export const statusLabel: Record<OrderStatus, string> = {
	OPEN: 'Resting',
	PARTIALLY_FILLED: 'Part filled',
	FILLED: 'Filled',
	CANCELLED: 'Cancelled',
	EXPIRED: 'Expired',
	REJECTED: 'Rejected'
};

export type OutcomeTone = 'filled' | 'resting' | 'rejected' | 'cancelled';

export interface Outcome {
	tone: OutcomeTone;
	headline: string;
	detail: string | null;
}

type OrderLike = Pick<
	OrderView,
	'status' | 'quantity' | 'filledQuantity' | 'priceCents' | 'rejectReason' | 'side' | 'type'
>;

type Fill = { priceCents: number; quantity: number };

/**
 * "33.5¢", or "≈33.37¢" when the average does not end within two decimals: an average of fills
 * is not a price anyone traded at, so it is never shown rounded as if it were one.
 */
export function averagePriceText(fills: readonly Fill[]): string {
	const shares = fills.reduce((sum, fill) => sum + fill.quantity, 0);
	const notionalCents = fills.reduce((sum, fill) => sum + fill.priceCents * fill.quantity, 0);
	const hundredths = notionalCents * 100;
	const exact = hundredths % shares === 0;
	const rounded = Math.round(hundredths / shares);
	const whole = Math.floor(rounded / 100);
	const fraction = String(rounded % 100)
		.padStart(2, '0')
		.replace(/0+$/, '');
	return `${exact ? '' : '≈'}${whole}${fraction ? `.${fraction}` : ''}¢`;
}

/** "at 31¢" when every fill was at one price, else "at 33.5¢ average" and the range. */
function fillPrices(fills: readonly Fill[]): { at: string; range: string | null } {
	const prices = fills.map((fill) => fill.priceCents);
	const low = Math.min(...prices);
	const high = Math.max(...prices);
	if (low === high) return { at: `at ${low}¢`, range: null };
	return { at: `at ${averagePriceText(fills)} average`, range: `Fills from ${low}¢ to ${high}¢.` };
}

const sentences = (...parts: (string | null)[]) => parts.filter(Boolean).join(' ') || null;

const buyOrSell = (order: OrderLike) => (order.side === 'BUY' ? 'buy' : 'sell');

/**
 * Why an order that could not rest traded nothing. A market order has no price of its own, so
 * only a limit order is told about "its price".
 */
function nothingTradedText(order: OrderLike): string {
	const nobody = order.side === 'BUY' ? 'No one was selling' : 'No one was buying';
	if (order.type === 'MARKET') return `${nobody}, so the order was cancelled.`;
	const reach = order.side === 'BUY' ? 'or less' : 'or more';
	return `${nobody} at ${order.priceCents}¢ ${reach}, so the order was cancelled.`;
}

/**
 * Why an order was refused or cancelled, as a sentence. A market order has no price of its own,
 * so its fill-or-kill refusal does not speak of "your price": the history tables and the outcome
 * of an order just placed say it the same way.
 */
export function orderReasonText(order: Pick<OrderLike, 'type' | 'rejectReason'>): string {
	if (order.type === 'MARKET' && order.rejectReason === 'FOK_NOT_FILLED')
		return 'Fill-or-kill needs the whole quantity to trade at once, and the book did not have it.';
	return reasonText(order.rejectReason);
}

/**
 * What happened to an order just placed or amended, given the fills this call made (an amended
 * order may have traded before: only this call's fills are described).
 */
export function describeOutcome(order: OrderLike, fills: readonly Fill[]): Outcome {
	const traded = fills.reduce((sum, fill) => sum + fill.quantity, 0);
	const verb = order.side === 'BUY' ? 'bought' : 'sold';
	const { at, range } = traded ? fillPrices(fills) : { at: `at ${order.priceCents}¢`, range: null };
	const rest = order.quantity - order.filledQuantity;
	switch (order.status) {
		case 'FILLED':
			return {
				tone: 'filled',
				headline: `Filled: ${verb} ${formatCount(traded)} ${at}`,
				detail: range
			};
		case 'PARTIALLY_FILLED':
			return traded
				? {
						tone: 'filled',
						headline: `Part filled: ${verb} ${formatCount(traded)} ${at}`,
						detail: sentences(range, `${formatCount(rest)} more resting at ${order.priceCents}¢.`)
					}
				: {
						tone: 'resting',
						headline: `Resting: ${buyOrSell(order)} ${formatCount(rest)} more at ${order.priceCents}¢`,
						detail: `${formatCount(order.filledQuantity)} already filled.`
					};
		case 'OPEN':
			return {
				tone: 'resting',
				headline: `Resting: ${buyOrSell(order)} ${formatCount(order.quantity)} at ${order.priceCents}¢`,
				detail: 'It stays in the book until it trades, expires or you cancel it.'
			};
		case 'REJECTED':
			return { tone: 'rejected', headline: 'Rejected', detail: orderReasonText(order) };
		case 'CANCELLED':
			return traded > 0
				? {
						tone: 'filled',
						headline: `${verb === 'bought' ? 'Bought' : 'Sold'} ${formatCount(traded)} ${at}`,
						detail: sentences(
							range,
							`The other ${formatCount(rest)} could not trade at once and were cancelled.`
						)
					}
				: {
						tone: 'cancelled',
						headline: 'Nothing traded',
						detail: order.rejectReason ? orderReasonText(order) : nothingTradedText(order)
					};
		case 'EXPIRED':
			return { tone: 'cancelled', headline: 'Expired', detail: null };
	}
}

/** What an amend did: a new price that crossed the book trades at once, like a new order. */
export function describeAmendOutcome(order: OrderLike, fills: readonly Fill[]): Outcome {
	const stillOpen = order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED';
	if (fills.length > 0 || !stillOpen) return describeOutcome(order, fills);
	return {
		tone: 'resting',
		headline: `Changed: ${buyOrSell(order)} ${formatCount(order.quantity - order.filledQuantity)} at ${order.priceCents}¢`,
		detail: 'Nothing traded; it rests in the book at the new price.'
	};
}

/**
 * What has become of an order since an outcome told of it as `told` (with the fills that call
 * made), now that it is `now`; null while nothing has changed. It rested in between, and a
 * resting order trades only at its own price, so what filled since is told at that price.
 */
export function describeSince(
	told: OrderLike,
	now: OrderLike,
	toldFills: readonly Fill[]
): Outcome | null {
	const changed =
		now.status !== told.status ||
		now.filledQuantity !== told.filledQuantity ||
		now.priceCents !== told.priceCents ||
		now.quantity !== told.quantity;
	if (!changed) return null;
	const since = now.filledQuantity - told.filledQuantity;
	const fills =
		since > 0 ? [...toldFills, { priceCents: now.priceCents, quantity: since }] : toldFills;
	switch (now.status) {
		case 'FILLED':
		case 'PARTIALLY_FILLED':
		case 'OPEN':
			return since > 0 ? describeOutcome(now, fills) : describeAmendOutcome(now, []);
		case 'CANCELLED':
		case 'EXPIRED': {
			const filled = now.filledQuantity;
			const verb = now.side === 'BUY' ? 'bought' : 'sold';
			return {
				tone: 'cancelled',
				headline: `${now.status === 'EXPIRED' ? 'Expired' : 'Cancelled'}: ${buyOrSell(now)} ${formatCount(now.quantity)} at ${now.priceCents}¢`,
				detail: sentences(
					filled > 0
						? `${formatCount(filled)} ${filled === 1 ? 'was' : 'were'} ${verb} before that.`
						: 'Nothing traded.',
					now.rejectReason ? orderReasonText(now) : null
				)
			};
		}
		case 'REJECTED':
			return describeOutcome(now, []);
	}
}

/** "served by remote engine" / "remote engine unavailable — served by local engine". */
export function servedByText({ engine, fallback }: { engine: string; fallback: boolean }): string {
	if (fallback) {
		const other = engine === 'local' ? 'remote' : 'local';
		return `${other} engine unavailable — served by ${engine} engine`;
	}
	return `served by ${engine} engine`;
}
