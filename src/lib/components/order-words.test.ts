import { describe, expect, it } from 'vitest';
import {
	averagePriceText,
	describeAmendOutcome,
	describeOutcome,
	describeSince,
	orderReasonText
} from './order-words';

const order = (fields: Partial<Parameters<typeof describeOutcome>[0]>) => ({
	status: 'FILLED' as const,
	quantity: 10,
	filledQuantity: 10,
	priceCents: 40,
	rejectReason: null,
	side: 'BUY' as const,
	type: 'LIMIT' as const,
	...fields
});

describe('the average price of fills', () => {
	it('is exact when it ends within two decimals', () => {
		expect(
			averagePriceText([
				{ priceCents: 33, quantity: 1 },
				{ priceCents: 34, quantity: 1 }
			])
		).toBe('33.5¢');
	});

	it('is marked approximate when it does not', () => {
		// (5·25 + 6·80 + 7·120) / 225 = 6.4222…
		expect(
			averagePriceText([
				{ priceCents: 5, quantity: 25 },
				{ priceCents: 6, quantity: 80 },
				{ priceCents: 7, quantity: 120 }
			])
		).toBe('≈6.42¢');
	});
});

describe('describing an order just placed', () => {
	it('says the average, not a rounded price, when a partly filled order traded at several prices', () => {
		const outcome = describeOutcome(
			order({ status: 'CANCELLED', type: 'MARKET', quantity: 300, filledQuantity: 4 }),
			[
				{ priceCents: 32, quantity: 2 },
				{ priceCents: 34, quantity: 1 },
				{ priceCents: 33, quantity: 1 }
			]
		);
		expect(outcome.headline).toBe('Bought 4 at 32.75¢ average');
		expect(outcome.detail).toBe(
			'Fills from 32¢ to 34¢. The other 296 could not trade at once and were cancelled.'
		);
	});

	it('gives one price when every fill was at it', () => {
		const outcome = describeOutcome(order({}), [
			{ priceCents: 31, quantity: 4 },
			{ priceCents: 31, quantity: 6 }
		]);
		expect(outcome.headline).toBe('Filled: bought 10 at 31¢');
	});

	it('groups share counts by thousands', () => {
		const outcome = describeOutcome(
			order({ status: 'CANCELLED', type: 'MARKET', quantity: 1_000_000, filledQuantity: 225 }),
			[{ priceCents: 6, quantity: 225 }]
		);
		expect(outcome.detail).toBe('The other 999,775 could not trade at once and were cancelled.');
	});

	it('tells a market order that found no one to trade with without speaking of its price', () => {
		const none = { status: 'CANCELLED' as const, type: 'MARKET' as const, filledQuantity: 0 };
		expect(describeOutcome(order(none), []).detail).toBe(
			'No one was selling, so the order was cancelled.'
		);
		expect(describeOutcome(order({ ...none, side: 'SELL' }), []).detail).toBe(
			'No one was buying, so the order was cancelled.'
		);
	});

	it('names the price a limit order found no one at', () => {
		const outcome = describeOutcome(order({ status: 'CANCELLED', filledQuantity: 0 }), []);
		expect(outcome.detail).toBe('No one was selling at 40¢ or less, so the order was cancelled.');
	});
});

describe('why an order in the history was refused', () => {
	it('does not speak of a price when a market fill-or-kill order could not fill', () => {
		expect(orderReasonText({ type: 'MARKET', rejectReason: 'FOK_NOT_FILLED' })).toBe(
			'Fill-or-kill needs the whole quantity to trade at once, and the book did not have it.'
		);
	});

	it('speaks of the price when a limit fill-or-kill order could not fill', () => {
		expect(orderReasonText({ type: 'LIMIT', rejectReason: 'FOK_NOT_FILLED' })).toBe(
			'Fill-or-kill needs the whole quantity at your price or better, and the book did not have it.'
		);
	});

	it('says it the way the outcome of an order just placed does', () => {
		const refused = order({ status: 'REJECTED', type: 'MARKET', rejectReason: 'FOK_NOT_FILLED' });
		expect(describeOutcome(refused, []).detail).toBe(orderReasonText(refused));
	});

	it('gives other reasons alike for either type', () => {
		for (const type of ['MARKET', 'LIMIT'] as const)
			expect(orderReasonText({ type, rejectReason: 'INSUFFICIENT_FUNDS' })).toBe(
				'You do not have enough available cash for this order.'
			);
	});
});

describe('following an order after its outcome was told', () => {
	const resting = order({ status: 'OPEN', filledQuantity: 0, priceCents: 31 });

	it('says nothing new while the order is as it was', () => {
		expect(describeSince(resting, { ...resting }, [])).toBeNull();
	});

	it('tells a fill of the resting order at its price', () => {
		expect(
			describeSince(resting, { ...resting, status: 'FILLED', filledQuantity: 10 }, [])
		).toEqual({
			tone: 'filled',
			headline: 'Filled: bought 10 at 31¢',
			detail: null
		});
		const part = describeSince(
			resting,
			{ ...resting, status: 'PARTIALLY_FILLED', filledQuantity: 4 },
			[]
		);
		expect(part?.headline).toBe('Part filled: bought 4 at 31¢');
		expect(part?.detail).toBe('6 more resting at 31¢.');
	});

	it('counts what the call itself traded with what traded since', () => {
		const told = order({
			status: 'PARTIALLY_FILLED',
			quantity: 30,
			filledQuantity: 25,
			priceCents: 47
		});
		const now = { ...told, status: 'FILLED' as const, filledQuantity: 30 };
		expect(describeSince(told, now, [{ priceCents: 47, quantity: 25 }])?.headline).toBe(
			'Filled: bought 30 at 47¢'
		);
	});

	it('says an order was cancelled, and what had traded before', () => {
		const cancelled = describeSince(
			resting,
			{ ...resting, status: 'CANCELLED', filledQuantity: 4 },
			[]
		);
		expect(cancelled?.headline).toBe('Cancelled: buy 10 at 31¢');
		expect(cancelled?.detail).toBe('4 were bought before that.');
		const closed = describeSince(
			resting,
			{ ...resting, status: 'CANCELLED', rejectReason: 'MARKET_CLOSED' },
			[]
		);
		expect(closed?.detail).toBe('Nothing traded. Cancelled because the market closed.');
	});
});

describe('describing an amend', () => {
	it('says what traded when the new price crossed the book', () => {
		const outcome = describeAmendOutcome(
			order({ status: 'PARTIALLY_FILLED', quantity: 30, filledQuantity: 25, priceCents: 47 }),
			[{ priceCents: 47, quantity: 25 }]
		);
		expect(outcome.headline).toBe('Part filled: bought 25 at 47¢');
		expect(outcome.detail).toBe('5 more resting at 47¢.');
	});

	it('says it rests at the new price when nothing traded', () => {
		const outcome = describeAmendOutcome(order({ status: 'OPEN', filledQuantity: 0 }), []);
		expect(outcome.headline).toBe('Changed: buy 10 at 40¢');
	});
});
