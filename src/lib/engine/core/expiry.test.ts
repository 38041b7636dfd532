import { describe, expect, it } from 'vitest';
import { aBookWith, aBuy, aSell, ofType, tradesIn, typesOf } from './test-factories';

const gtdBuy = (orderId: string, expiresAtMs: number, priceCents = 50) =>
	aBuy({ orderId, priceCents, timeInForce: 'GTD', timestampMs: 1_000, expiresAtMs });

describe('expiring GTD orders', () => {
	it('expires every order whose time has come, oldest first, and keeps the others', () => {
		const book = aBookWith(gtdBuy('late', 9_000), gtdBuy('early', 3_000), gtdBuy('exact', 5_000));
		const events = book.expire({ type: 'expire', nowMs: 5_000 });
		expect(ofType(events, 'expired').map((e) => [e.orderId, e.expiresAtMs])).toEqual([
			['early', 3_000],
			['exact', 5_000]
		]);
		expect(book.restingOrders().map((o) => o.orderId)).toEqual(['late']);
	});

	it('reports the remaining quantity and the level’s new total', () => {
		const book = aBookWith(gtdBuy('g1', 3_000), aSell({ priceCents: 50, quantity: 4 }));
		const events = book.expire({ type: 'expire', nowMs: 3_000 });
		expect(typesOf(events)).toEqual(['expired', 'bookDelta']);
		expect(ofType(events, 'expired')[0]?.remainingQuantity).toBe(6);
		expect(ofType(events, 'bookDelta')[0]).toMatchObject({ quantity: 0, orderCount: 0 });
	});

	it('does nothing before any expiry', () => {
		const book = aBookWith(gtdBuy('g1', 3_000));
		expect(book.expire({ type: 'expire', nowMs: 2_999 })).toEqual([]);
		expect(book.size).toBe(1);
	});

	it('never expires GTC orders', () => {
		const book = aBookWith(aBuy({ orderId: 'gtc' }));
		book.expire({ type: 'expire', nowMs: Number.MAX_SAFE_INTEGER });
		expect(book.size).toBe(1);
	});

	it('does not let an incoming order trade with an order whose time has passed', () => {
		const book = aBookWith(gtdBuy('stale', 3_000, 52), aBuy({ orderId: 'live', priceCents: 50 }));
		const events = book.place(
			aSell({ orderId: 's1', priceCents: 50, quantity: 5, timestampMs: 4_000 })
		);
		expect(typesOf(events)[0]).toBe('expired');
		expect(tradesIn(events)).toEqual([['live', 's1', 50, 5]]);
	});

	it('lets an order trade up to the millisecond before its expiry', () => {
		const book = aBookWith(gtdBuy('g1', 3_000));
		const events = book.place(
			aSell({ orderId: 's1', priceCents: 50, quantity: 5, timestampMs: 2_999 })
		);
		expect(tradesIn(events)).toEqual([['g1', 's1', 50, 5]]);
	});

	it('expires a partly filled GTD order with what is left of it', () => {
		const book = aBookWith(
			gtdBuy('g1', 3_000),
			aSell({ priceCents: 50, quantity: 4, timestampMs: 2_000 })
		);
		const [expired] = ofType(book.expire({ type: 'expire', nowMs: 3_000 }), 'expired');
		expect(expired?.remainingQuantity).toBe(6);
	});

	it('forgets a GTD order that was cancelled before its expiry', () => {
		const book = aBookWith(gtdBuy('g1', 3_000));
		book.cancel({ type: 'cancel', orderId: 'g1' });
		expect(book.expire({ type: 'expire', nowMs: 3_000 })).toEqual([]);
		expect(book.validate()).toEqual([]);
	});
});
