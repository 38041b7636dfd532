import { describe, expect, it } from 'vitest';
import { averagePriceText, describeAmendOutcome, describeOutcome } from './order-words';

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
