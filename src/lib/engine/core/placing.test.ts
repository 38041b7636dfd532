import { describe, expect, it } from 'vitest';
import { RejectCode } from './codes';
import { OrderBook } from './order-book';
import {
	aBookWith,
	aBuy,
	aMarketBuy,
	aMarketSell,
	aSell,
	ofType,
	rejectCodeIn,
	tradesIn,
	typesOf
} from './test-factories';

describe('placing a limit order', () => {
	it('rests on an empty book', () => {
		const book = new OrderBook();
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 45, quantity: 10 }));
		expect(typesOf(events)).toEqual(['accepted', 'rested', 'bookDelta']);
		expect(book.getOrder('b1')).toMatchObject({ priceCents: 45, quantity: 10, side: 'BUY' });
		expect(book.bestBid).toBe(45);
		expect(book.bestAsk).toBeNull();
	});

	it('rests without trading when it does not reach the best opposite price', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 55 }));
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 54 }));
		expect(tradesIn(events)).toEqual([]);
		expect(book.snapshot()).toEqual({
			bids: [{ priceCents: 54, quantity: 10, orders: 1 }],
			asks: [{ priceCents: 55, quantity: 10, orders: 1 }]
		});
	});

	it('trades at the resting order’s price, not its own', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 40, quantity: 5 }));
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 60, quantity: 5 }));
		expect(tradesIn(events)).toEqual([['s1', 'b1', 40, 5]]);
	});

	it('fills the best price first, then the next', () => {
		const book = aBookWith(
			aSell({ orderId: 's52', priceCents: 52, quantity: 5 }),
			aSell({ orderId: 's50', priceCents: 50, quantity: 5 }),
			aSell({ orderId: 's51', priceCents: 51, quantity: 5 })
		);
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 52, quantity: 12 }));
		expect(tradesIn(events)).toEqual([
			['s50', 'b1', 50, 5],
			['s51', 'b1', 51, 5],
			['s52', 'b1', 52, 2]
		]);
	});

	it('fills the oldest order first at one price', () => {
		const book = aBookWith(
			aBuy({ orderId: 'first', priceCents: 50, quantity: 3 }),
			aBuy({ orderId: 'second', priceCents: 50, quantity: 3 }),
			aBuy({ orderId: 'third', priceCents: 50, quantity: 3 })
		);
		const events = book.place(aSell({ orderId: 's1', priceCents: 50, quantity: 4 }));
		expect(tradesIn(events)).toEqual([
			['first', 's1', 50, 3],
			['second', 's1', 50, 1]
		]);
		expect(book.getOrder('second')?.quantity).toBe(2);
		expect(book.getOrder('third')?.quantity).toBe(3);
	});

	it('rests the unfilled part at its own limit price', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 48, quantity: 4 }));
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 50, quantity: 10 }));
		expect(tradesIn(events)).toEqual([['s1', 'b1', 48, 4]]);
		expect(ofType(events, 'rested')).toEqual([
			expect.objectContaining({ orderId: 'b1', priceCents: 50, quantity: 6 })
		]);
		expect(book.bestBid).toBe(50);
		expect(book.bestAsk).toBeNull();
	});

	it('reports both remaining quantities on each fill', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 50, quantity: 10 }));
		const [fill] = ofType(book.place(aBuy({ orderId: 'b1', quantity: 4 })), 'fill');
		expect(fill).toMatchObject({
			makerOrderId: 's1',
			takerOrderId: 'b1',
			makerUserId: 'user-of-s1',
			takerUserId: 'user-of-b1',
			takerSide: 'BUY',
			makerRemainingQuantity: 6,
			takerRemainingQuantity: 0
		});
	});

	it('removes a fully filled resting order from the book', () => {
		const book = aBookWith(aSell({ orderId: 's1', quantity: 5 }));
		book.place(aBuy({ quantity: 5 }));
		expect(book.getOrder('s1')).toBeUndefined();
		expect(book.size).toBe(0);
	});

	it('rejects an order id that is already resting', () => {
		const book = aBookWith(aBuy({ orderId: 'b1', priceCents: 40 }));
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 41 }));
		expect(typesOf(events)).toEqual(['rejected']);
		expect(rejectCodeIn(events)).toBe(RejectCode.DUPLICATE_ORDER_ID);
		expect(book.bestBid).toBe(40);
	});
});

describe('validating a new order', () => {
	it.each([
		['a price of 0', { priceCents: 0 }, RejectCode.INVALID_PRICE],
		['a price of 100', { priceCents: 100 }, RejectCode.INVALID_PRICE],
		['a fractional price', { priceCents: 50.5 }, RejectCode.INVALID_PRICE],
		['no price on a limit order', { priceCents: undefined }, RejectCode.INVALID_PRICE],
		['a quantity of 0', { quantity: 0 }, RejectCode.INVALID_QUANTITY],
		['a negative quantity', { quantity: -3 }, RejectCode.INVALID_QUANTITY],
		['a fractional quantity', { quantity: 1.5 }, RejectCode.INVALID_QUANTITY],
		['a non-numeric quantity', { quantity: Number.NaN }, RejectCode.INVALID_QUANTITY],
		['an empty order id', { orderId: '' }, RejectCode.INVALID_COMMAND],
		['a missing timestamp', { timestampMs: Number.NaN }, RejectCode.INVALID_COMMAND]
	])('rejects %s', (_label, overrides, code) => {
		const book = new OrderBook();
		const events = book.place(aBuy(overrides));
		expect(typesOf(events)).toEqual(['rejected']);
		expect(rejectCodeIn(events)).toBe(code);
		expect(book.size).toBe(0);
	});

	it('rejects an unknown side, type or time in force with its own code, without throwing', () => {
		const book = new OrderBook();
		const bad = (fields: Record<string, unknown>) =>
			rejectCodeIn(book.place({ ...aBuy(), ...fields } as never));
		expect(bad({ side: 'HOLD' })).toBe(RejectCode.INVALID_SIDE);
		expect(bad({ type: 'STOP' })).toBe(RejectCode.INVALID_ORDER_TYPE);
		expect(bad({ timeInForce: 'DAY' })).toBe(RejectCode.INVALID_TIME_IN_FORCE);
	});

	it('rejects a command that is not an object', () => {
		const book = new OrderBook();
		expect(book.execute(null as never)).toEqual([
			{ type: 'rejected', orderId: null, code: RejectCode.INVALID_COMMAND }
		]);
		expect(rejectCodeIn(book.place(undefined as never))).toBe(RejectCode.INVALID_COMMAND);
	});
});

describe('placing a market order', () => {
	it('sweeps the book at any price and trades at each maker’s price', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 30, quantity: 2 }),
			aSell({ orderId: 's2', priceCents: 99, quantity: 2 })
		);
		const events = book.place(aMarketBuy({ orderId: 'm1', quantity: 4 }));
		expect(tradesIn(events)).toEqual([
			['s1', 'm1', 30, 2],
			['s2', 'm1', 99, 2]
		]);
	});

	it('is accepted with the limit of an IOC at 99 for a buy and 1 for a sell', () => {
		const book = new OrderBook();
		expect(ofType(book.place(aMarketBuy()), 'accepted')[0]?.priceCents).toBe(99);
		expect(ofType(book.place(aMarketSell()), 'accepted')[0]?.priceCents).toBe(1);
	});

	it('cancels what it cannot fill instead of resting', () => {
		const book = aBookWith(aBuy({ orderId: 'b1', priceCents: 20, quantity: 3 }));
		const events = book.place(aMarketSell({ orderId: 'm1', quantity: 5 }));
		expect(tradesIn(events)).toEqual([['b1', 'm1', 20, 3]]);
		expect(ofType(events, 'cancelled')).toEqual([
			expect.objectContaining({ orderId: 'm1', remainingQuantity: 2, reason: 'IOC_REMAINDER' })
		]);
		expect(book.size).toBe(0);
	});

	it('is cancelled whole on an empty book', () => {
		const events = new OrderBook().place(aMarketBuy({ orderId: 'm1', quantity: 5 }));
		expect(typesOf(events)).toEqual(['accepted', 'cancelled']);
	});

	it('is IOC even when sent as GTC', () => {
		const book = new OrderBook();
		book.place(aMarketBuy({ orderId: 'm1', timeInForce: 'GTC' }));
		expect(book.size).toBe(0);
	});

	it('can be fill-or-kill', () => {
		const book = aBookWith(aSell({ priceCents: 70, quantity: 3 }));
		const events = book.place(aMarketBuy({ quantity: 4, timeInForce: 'FOK' }));
		expect(rejectCodeIn(events)).toBe(RejectCode.FOK_NOT_FILLED);
		expect(book.size).toBe(1);
	});

	it('rejects post-only, since a market order never rests', () => {
		const events = new OrderBook().place(aMarketBuy({ postOnly: true }));
		expect(rejectCodeIn(events)).toBe(RejectCode.INVALID_TIME_IN_FORCE);
	});
});

describe('placing an IOC order', () => {
	it('fills what it can at or better than its limit and cancels the rest', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 50, quantity: 3 }),
			aSell({ orderId: 's2', priceCents: 52, quantity: 3 })
		);
		const events = book.place(
			aBuy({ orderId: 'i1', priceCents: 51, quantity: 5, timeInForce: 'IOC' })
		);
		expect(tradesIn(events)).toEqual([['s1', 'i1', 50, 3]]);
		expect(ofType(events, 'cancelled')[0]).toMatchObject({
			orderId: 'i1',
			remainingQuantity: 2,
			reason: 'IOC_REMAINDER'
		});
		expect(book.getOrder('i1')).toBeUndefined();
		expect(book.getOrder('s2')?.quantity).toBe(3);
	});

	it('emits no cancel when it fills completely', () => {
		const book = aBookWith(aSell({ priceCents: 50, quantity: 5 }));
		const events = book.place(aBuy({ priceCents: 50, quantity: 5, timeInForce: 'IOC' }));
		expect(ofType(events, 'cancelled')).toEqual([]);
	});
});

describe('placing a FOK order', () => {
	it('fills entirely when the book holds enough within its limit', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 50, quantity: 3 }),
			aSell({ orderId: 's2', priceCents: 51, quantity: 3 })
		);
		const events = book.place(
			aBuy({ orderId: 'f1', priceCents: 51, quantity: 6, timeInForce: 'FOK' })
		);
		expect(tradesIn(events)).toEqual([
			['s1', 'f1', 50, 3],
			['s2', 'f1', 51, 3]
		]);
	});

	it('rejects when the book cannot fill it entirely', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 50, quantity: 3 }));
		const events = book.place(aBuy({ priceCents: 50, quantity: 4, timeInForce: 'FOK' }));
		expect(typesOf(events)).toEqual(['rejected']);
		expect(rejectCodeIn(events)).toBe(RejectCode.FOK_NOT_FILLED);
		expect(book.getOrder('s1')?.quantity).toBe(3);
	});

	it('does not count liquidity beyond its limit price', () => {
		const book = aBookWith(
			aSell({ priceCents: 50, quantity: 3 }),
			aSell({ priceCents: 52, quantity: 10 })
		);
		const events = book.place(aBuy({ priceCents: 51, quantity: 4, timeInForce: 'FOK' }));
		expect(rejectCodeIn(events)).toBe(RejectCode.FOK_NOT_FILLED);
		expect(book.size).toBe(2);
	});

	it('rejects when the best price is beyond its limit', () => {
		const book = aBookWith(aSell({ priceCents: 47, quantity: 10 }));
		const events = book.place(aBuy({ priceCents: 45, quantity: 1, timeInForce: 'FOK' }));
		expect(rejectCodeIn(events)).toBe(RejectCode.FOK_NOT_FILLED);
		const sells = aBookWith(aBuy({ priceCents: 45, quantity: 10 }));
		const sellEvents = sells.place(aSell({ priceCents: 47, quantity: 1, timeInForce: 'FOK' }));
		expect(rejectCodeIn(sellEvents)).toBe(RejectCode.FOK_NOT_FILLED);
	});

	it('fills entirely on the sell side too', () => {
		const book = aBookWith(
			aBuy({ orderId: 'b1', priceCents: 50, quantity: 2 }),
			aBuy({ orderId: 'b2', priceCents: 49, quantity: 2 })
		);
		const events = book.place(
			aSell({ orderId: 'f1', priceCents: 49, quantity: 4, timeInForce: 'FOK' })
		);
		expect(tradesIn(events)).toEqual([
			['b1', 'f1', 50, 2],
			['b2', 'f1', 49, 2]
		]);
	});
});

describe('placing a post-only order', () => {
	it('rests when it does not cross', () => {
		const book = aBookWith(aSell({ priceCents: 55 }));
		const events = book.place(aBuy({ orderId: 'p1', priceCents: 54, postOnly: true }));
		expect(ofType(events, 'rested')[0]?.orderId).toBe('p1');
		expect(book.getOrder('p1')?.postOnly).toBe(true);
	});

	it('is rejected when it would cross, and the book is unchanged', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 55, quantity: 5 }));
		const events = book.place(aBuy({ priceCents: 55, postOnly: true }));
		expect(typesOf(events)).toEqual(['rejected']);
		expect(rejectCodeIn(events)).toBe(RejectCode.POST_ONLY_WOULD_CROSS);
		expect(book.getOrder('s1')?.quantity).toBe(5);
		expect(book.bestBid).toBeNull();
	});

	it('is rejected when combined with IOC or FOK', () => {
		const book = new OrderBook();
		expect(rejectCodeIn(book.place(aBuy({ postOnly: true, timeInForce: 'IOC' })))).toBe(
			RejectCode.INVALID_TIME_IN_FORCE
		);
		expect(rejectCodeIn(book.place(aBuy({ postOnly: true, timeInForce: 'FOK' })))).toBe(
			RejectCode.INVALID_TIME_IN_FORCE
		);
	});
});

describe('placing a GTD order', () => {
	it('rests with its expiry', () => {
		const book = new OrderBook();
		book.place(aBuy({ orderId: 'g1', timeInForce: 'GTD', timestampMs: 1_000, expiresAtMs: 5_000 }));
		expect(book.getOrder('g1')).toMatchObject({ timeInForce: 'GTD', expiresAtMs: 5_000 });
	});

	it('is rejected when it has already expired on arrival', () => {
		const book = new OrderBook();
		const atExpiry = book.place(
			aBuy({ timeInForce: 'GTD', timestampMs: 5_000, expiresAtMs: 5_000 })
		);
		const past = book.place(aBuy({ timeInForce: 'GTD', timestampMs: 5_000, expiresAtMs: 4_000 }));
		expect(rejectCodeIn(atExpiry)).toBe(RejectCode.EXPIRED_ON_ARRIVAL);
		expect(rejectCodeIn(past)).toBe(RejectCode.EXPIRED_ON_ARRIVAL);
		expect(book.size).toBe(0);
	});

	it('is rejected without an expiry', () => {
		const events = new OrderBook().place(aBuy({ timeInForce: 'GTD', expiresAtMs: undefined }));
		expect(rejectCodeIn(events)).toBe(RejectCode.INVALID_EXPIRY);
	});

	it('ignores an expiry on a GTC order', () => {
		const book = new OrderBook();
		book.place(aBuy({ orderId: 'b1', timeInForce: 'GTC', expiresAtMs: 2_000 }));
		expect(book.getOrder('b1')?.expiresAtMs).toBeNull();
	});
});
