import { describe, expect, it } from 'vitest';
import { RejectCode } from './codes';
import { OrderBook } from './order-book';
import { aBookWith, aBuy, aSell, ofType, rejectCodeIn, typesOf } from './test-factories';

describe('cancelling an order', () => {
	it('removes it and reports what was left of it', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 50, quantity: 10 }));
		book.place(aBuy({ priceCents: 50, quantity: 4 }));
		const events = book.cancel({ type: 'cancel', orderId: 's1' });
		expect(typesOf(events)).toEqual(['cancelled', 'bookDelta']);
		expect(ofType(events, 'cancelled')[0]).toMatchObject({
			orderId: 's1',
			remainingQuantity: 6,
			reason: 'USER'
		});
		expect(book.size).toBe(0);
		expect(book.bestAsk).toBeNull();
	});

	it('rejects an id it has never seen with UNKNOWN_ORDER instead of throwing', () => {
		const events = new OrderBook().cancel({ type: 'cancel', orderId: 'ghost' });
		expect(events).toEqual([
			{ type: 'rejected', orderId: 'ghost', code: RejectCode.UNKNOWN_ORDER }
		]);
	});

	it('rejects an order that has already been filled', () => {
		const book = aBookWith(aSell({ orderId: 's1', quantity: 5 }), aBuy({ quantity: 5 }));
		expect(rejectCodeIn(book.cancel({ type: 'cancel', orderId: 's1' }))).toBe(
			RejectCode.UNKNOWN_ORDER
		);
	});

	it('rejects an order that has already been cancelled', () => {
		const book = aBookWith(aSell({ orderId: 's1' }));
		book.cancel({ type: 'cancel', orderId: 's1' });
		expect(rejectCodeIn(book.cancel({ type: 'cancel', orderId: 's1' }))).toBe(
			RejectCode.UNKNOWN_ORDER
		);
	});

	it('treats another user’s order as unknown', () => {
		const book = aBookWith(aSell({ orderId: 's1', userId: 'alice' }));
		const events = book.cancel({ type: 'cancel', orderId: 's1', userId: 'mallory' });
		expect(rejectCodeIn(events)).toBe(RejectCode.UNKNOWN_ORDER);
		expect(book.size).toBe(1);
	});

	it('keeps the rest of the queue in order', () => {
		const book = aBookWith(
			aBuy({ orderId: 'a', priceCents: 50 }),
			aBuy({ orderId: 'b', priceCents: 50 }),
			aBuy({ orderId: 'c', priceCents: 50 })
		);
		book.cancel({ type: 'cancel', orderId: 'b' });
		const fills = ofType(book.place(aSell({ priceCents: 50, quantity: 20 })), 'fill');
		expect(fills.map((f) => f.makerOrderId)).toEqual(['a', 'c']);
	});
});

describe('cancelling all orders', () => {
	const aMixedBook = () =>
		aBookWith(
			aBuy({ orderId: 'alice-b48', userId: 'alice', priceCents: 48 }),
			aBuy({ orderId: 'bob-b49', userId: 'bob', priceCents: 49 }),
			aBuy({ orderId: 'alice-b49', userId: 'alice', priceCents: 49 }),
			aSell({ orderId: 'alice-s55', userId: 'alice', priceCents: 55 }),
			aSell({ orderId: 'bob-s56', userId: 'bob', priceCents: 56 })
		);

	it('cancels every order of one user, bids best first then asks best first', () => {
		const book = aMixedBook();
		const events = book.cancelAll({ type: 'cancelAll', userId: 'alice' });
		expect(ofType(events, 'cancelled').map((e) => e.orderId)).toEqual([
			'alice-b49',
			'alice-b48',
			'alice-s55'
		]);
		expect(book.restingOrders().map((o) => o.orderId)).toEqual(['bob-b49', 'bob-s56']);
	});

	it('can be restricted to one side', () => {
		const book = aMixedBook();
		const events = book.cancelAll({ type: 'cancelAll', userId: 'alice', side: 'SELL' });
		expect(ofType(events, 'cancelled').map((e) => e.orderId)).toEqual(['alice-s55']);
	});

	it('cancels everyone’s orders with the given reason when no user is named', () => {
		const book = aMixedBook();
		const events = book.cancelAll({ type: 'cancelAll', reason: 'MARKET_CLOSED' });
		const cancelled = ofType(events, 'cancelled');
		expect(cancelled).toHaveLength(5);
		expect(cancelled.every((e) => e.reason === 'MARKET_CLOSED')).toBe(true);
		expect(book.snapshot()).toEqual({ bids: [], asks: [] });
	});

	it('reports one book delta per level it emptied', () => {
		const book = aMixedBook();
		const deltas = ofType(book.cancelAll({ type: 'cancelAll', userId: 'bob' }), 'bookDelta');
		expect(deltas).toEqual([
			{ type: 'bookDelta', side: 'BUY', priceCents: 49, quantity: 10, orderCount: 1 },
			{ type: 'bookDelta', side: 'SELL', priceCents: 56, quantity: 0, orderCount: 0 }
		]);
	});

	it('does nothing, and rejects nothing, for a user with no orders', () => {
		const events = aMixedBook().cancelAll({ type: 'cancelAll', userId: 'carol' });
		expect(events).toEqual([]);
	});

	it('rejects an unknown reason', () => {
		const events = aMixedBook().cancelAll({ type: 'cancelAll', reason: 'BORED' as never });
		expect(rejectCodeIn(events)).toBe(RejectCode.INVALID_COMMAND);
	});
});
