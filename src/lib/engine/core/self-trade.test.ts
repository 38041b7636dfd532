import { describe, expect, it } from 'vitest';
import { RejectCode } from './codes';
import {
	aBookWith,
	aBuy,
	aMarketBuy,
	aSell,
	ofType,
	rejectCodeIn,
	tradesIn
} from './test-factories';

describe('self-trade prevention', () => {
	it('cancels the user’s resting order instead of filling against it, and keeps matching', () => {
		const book = aBookWith(
			aSell({ orderId: 'own', userId: 'alice', priceCents: 50, quantity: 5 }),
			aSell({ orderId: 'other', userId: 'bob', priceCents: 50, quantity: 5 })
		);
		const events = book.place(
			aBuy({ orderId: 'b1', userId: 'alice', priceCents: 50, quantity: 5 })
		);
		expect(ofType(events, 'cancelled')).toEqual([
			expect.objectContaining({ orderId: 'own', remainingQuantity: 5, reason: 'SELF_TRADE' })
		]);
		expect(tradesIn(events)).toEqual([['other', 'b1', 50, 5]]);
		expect(book.size).toBe(0);
	});

	it('never fills an order against the same user, across levels', () => {
		const book = aBookWith(
			aSell({ orderId: 'own1', userId: 'alice', priceCents: 50 }),
			aSell({ orderId: 'own2', userId: 'alice', priceCents: 51 })
		);
		const events = book.place(aMarketBuy({ orderId: 'm1', userId: 'alice', quantity: 30 }));
		expect(tradesIn(events)).toEqual([]);
		expect(ofType(events, 'cancelled').map((e) => [e.orderId, e.reason])).toEqual([
			['own1', 'SELF_TRADE'],
			['own2', 'SELF_TRADE'],
			['m1', 'IOC_REMAINDER']
		]);
	});

	it('only cancels the user’s orders that the incoming order reaches', () => {
		const book = aBookWith(
			aSell({ orderId: 'other', userId: 'bob', priceCents: 50, quantity: 5 }),
			aSell({ orderId: 'own', userId: 'alice', priceCents: 51, quantity: 5 })
		);
		book.place(aBuy({ userId: 'alice', priceCents: 51, quantity: 5 }));
		expect(book.getOrder('own')?.quantity).toBe(5);
	});

	it('rests the incoming order once its own crossing orders are gone', () => {
		const book = aBookWith(aSell({ orderId: 'own', userId: 'alice', priceCents: 50 }));
		book.place(aBuy({ orderId: 'b1', userId: 'alice', priceCents: 52, quantity: 3 }));
		expect(book.getOrder('b1')?.priceCents).toBe(52);
		expect(book.bestAsk).toBeNull();
	});

	describe('with a FOK order', () => {
		it('does not count the user’s own resting orders as liquidity', () => {
			const book = aBookWith(
				aSell({ orderId: 'own', userId: 'alice', priceCents: 50, quantity: 5 }),
				aSell({ orderId: 'other', userId: 'bob', priceCents: 50, quantity: 3 })
			);
			const events = book.place(
				aBuy({ userId: 'alice', priceCents: 50, quantity: 5, timeInForce: 'FOK' })
			);
			expect(rejectCodeIn(events)).toBe(RejectCode.FOK_NOT_FILLED);
		});

		it('changes nothing when it is rejected: the user’s own orders stay', () => {
			const book = aBookWith(
				aSell({ orderId: 'own', userId: 'alice', priceCents: 50, quantity: 5 }),
				aSell({ orderId: 'other', userId: 'bob', priceCents: 50, quantity: 3 })
			);
			book.place(aBuy({ userId: 'alice', priceCents: 50, quantity: 5, timeInForce: 'FOK' }));
			expect(book.getOrder('own')?.quantity).toBe(5);
			expect(book.getOrder('other')?.quantity).toBe(3);
		});

		it('fills from other users and cancels the own orders it passes', () => {
			const book = aBookWith(
				aSell({ orderId: 'own', userId: 'alice', priceCents: 50, quantity: 5 }),
				aSell({ orderId: 'other', userId: 'bob', priceCents: 51, quantity: 5 })
			);
			const events = book.place(
				aBuy({ orderId: 'f1', userId: 'alice', priceCents: 51, quantity: 5, timeInForce: 'FOK' })
			);
			expect(tradesIn(events)).toEqual([['other', 'f1', 51, 5]]);
			expect(ofType(events, 'cancelled')[0]).toMatchObject({
				orderId: 'own',
				reason: 'SELF_TRADE'
			});
		});
	});
});
