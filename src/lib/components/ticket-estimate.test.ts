import { describe, expect, it } from 'vitest';
import { estimateOrder } from './ticket-estimate';

// The "Hike" book of the demo Fed market: 225 shares offered at 5–7¢.
const asks = [
	{ priceCents: 5, quantity: 25 },
	{ priceCents: 6, quantity: 80 },
	{ priceCents: 7, quantity: 120 }
];
const bids = [
	{ priceCents: 3, quantity: 40 },
	{ priceCents: 2, quantity: 80 }
];
const base = {
	side: 'BUY' as const,
	type: 'MARKET' as const,
	timeInForce: 'IOC' as const,
	priceCents: null,
	quantity: 1000,
	heldShares: 0,
	bids,
	asks
};

describe('what an order that cannot rest must have available', () => {
	it('is the worst ask reached times the shares the book holds, for a market buy', () => {
		const estimate = estimateOrder(base)!;
		expect(estimate.quantity).toBe(225);
		expect(estimate.costCents).toBe(5 * 25 + 6 * 80 + 7 * 120);
		expect(estimate.holdCents).toBe(7 * 225);
	});

	it('counts only levels within the limit of an IOC limit buy', () => {
		const estimate = estimateOrder({ ...base, type: 'LIMIT', priceCents: 6 })!;
		expect(estimate.quantity).toBe(105);
		expect(estimate.holdCents).toBe(6 * 105);
	});

	it('leaves out the trader’s own resting orders', () => {
		const estimate = estimateOrder({
			...base,
			ownOrders: [{ side: 'SELL', priceCents: 5, quantity: 25, filledQuantity: 0 }]
		})!;
		expect(estimate.quantity).toBe(200);
	});

	it('is 100 − the worst bid per share sold short, for a sell beyond the shares held', () => {
		const estimate = estimateOrder({ ...base, side: 'SELL', quantity: 100, heldShares: 30 })!;
		expect(estimate.quantity).toBe(100);
		expect(estimate.holdCents).toBe((100 - 2) * 70);
		expect(estimate.receiveCents).toBe(3 * 30);
	});

	it('is nothing when the book is empty', () => {
		const estimate = estimateOrder({ ...base, asks: [] })!;
		expect(estimate.quantity).toBe(0);
		expect(estimate.holdCents).toBe(0);
	});
});

describe('what an order that rests must have available', () => {
	it('is its price times its quantity', () => {
		const estimate = estimateOrder({ ...base, type: 'LIMIT', timeInForce: 'GTC', priceCents: 99 })!;
		expect(estimate.rests).toBe(true);
		expect(estimate.holdCents).toBe(99 * 1000);
	});
});
