import { describe, expect, it } from 'vitest';
import { RejectCode } from './codes';
import { OrderBook } from './order-book';
import type { PriceLevel } from './price-level';
import { aBookWith, aBuy, aSell, ofType } from './test-factories';

describe('book deltas', () => {
	it('reports each touched level once, with its final total', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 50, quantity: 2 }),
			aSell({ orderId: 's2', priceCents: 50, quantity: 2 }),
			aSell({ orderId: 's3', priceCents: 51, quantity: 5 })
		);
		const events = book.place(aBuy({ orderId: 'b1', priceCents: 51, quantity: 6 }));
		expect(ofType(events, 'bookDelta')).toEqual([
			{ type: 'bookDelta', side: 'SELL', priceCents: 50, quantity: 0, orderCount: 0 },
			{ type: 'bookDelta', side: 'SELL', priceCents: 51, quantity: 3, orderCount: 1 }
		]);
	});

	it('reports the level an order rests on', () => {
		const book = aBookWith(aBuy({ priceCents: 40, quantity: 3 }));
		const events = book.place(aBuy({ priceCents: 40, quantity: 4 }));
		expect(ofType(events, 'bookDelta')).toEqual([
			{ type: 'bookDelta', side: 'BUY', priceCents: 40, quantity: 7, orderCount: 2 }
		]);
	});

	it('reports both sides when an order trades and rests', () => {
		const book = aBookWith(aSell({ priceCents: 50, quantity: 3 }));
		const events = book.place(aBuy({ priceCents: 50, quantity: 5 }));
		expect(ofType(events, 'bookDelta').map((d) => [d.side, d.priceCents, d.quantity])).toEqual([
			['SELL', 50, 0],
			['BUY', 50, 2]
		]);
	});

	it('comes last, after the events that caused it', () => {
		const book = aBookWith(aSell({ priceCents: 50, quantity: 3 }));
		const events = book.place(aBuy({ priceCents: 50, quantity: 5 }));
		expect(events.at(-1)?.type).toBe('bookDelta');
		expect(events.at(-2)?.type).toBe('bookDelta');
	});

	it('is not emitted for a rejected command', () => {
		const book = aBookWith(aSell({ priceCents: 50 }));
		expect(ofType(book.place(aBuy({ priceCents: 50, postOnly: true })), 'bookDelta')).toEqual([]);
	});
});

describe('the L2 snapshot', () => {
	const aDeepBook = () =>
		aBookWith(
			aBuy({ priceCents: 45, quantity: 1 }),
			aBuy({ priceCents: 47, quantity: 2 }),
			aBuy({ priceCents: 47, quantity: 3 }),
			aBuy({ priceCents: 46, quantity: 4 }),
			aSell({ priceCents: 60, quantity: 5 }),
			aSell({ priceCents: 52, quantity: 6 })
		);

	it('lists levels best first with their total quantity and order count', () => {
		expect(aDeepBook().snapshot()).toEqual({
			bids: [
				{ priceCents: 47, quantity: 5, orders: 2 },
				{ priceCents: 46, quantity: 4, orders: 1 },
				{ priceCents: 45, quantity: 1, orders: 1 }
			],
			asks: [
				{ priceCents: 52, quantity: 6, orders: 1 },
				{ priceCents: 60, quantity: 5, orders: 1 }
			]
		});
	});

	it('stops at the requested depth on each side', () => {
		const snapshot = aDeepBook().snapshot(1);
		expect(snapshot.bids.map((l) => l.priceCents)).toEqual([47]);
		expect(snapshot.asks.map((l) => l.priceCents)).toEqual([52]);
	});

	it('is empty for an empty book', () => {
		expect(new OrderBook().snapshot()).toEqual({ bids: [], asks: [] });
	});
});

describe('reading orders', () => {
	it('returns a copy that cannot change the book', () => {
		const book = aBookWith(aBuy({ orderId: 'b1', quantity: 5 }));
		const copy = book.getOrder('b1');
		if (copy) copy.quantity = 999;
		expect(book.getOrder('b1')?.quantity).toBe(5);
	});

	it('lists resting orders in priority order with their priority', () => {
		const book = aBookWith(
			aBuy({ orderId: 'b1', priceCents: 40 }),
			aSell({ orderId: 's1', priceCents: 60 }),
			aBuy({ orderId: 'b2', priceCents: 41 })
		);
		const resting = book.restingOrders();
		expect(resting.map((o) => o.orderId)).toEqual(['b1', 's1', 'b2']);
		expect(resting.map((o) => o.priority)).toEqual([1, 2, 3]);
	});
});

describe('restoring a book from persisted resting orders', () => {
	const aBusyBook = () => {
		const book = aBookWith(
			aBuy({ orderId: 'a', priceCents: 50, quantity: 5 }),
			aBuy({ orderId: 'b', priceCents: 50, quantity: 5 }),
			aBuy({ orderId: 'c', priceCents: 49, quantity: 5, timeInForce: 'GTD', expiresAtMs: 9_000 }),
			aSell({ orderId: 'd', priceCents: 55, quantity: 5, postOnly: true, clientOrderId: 'mine-1' })
		);
		book.amend({ type: 'amend', orderId: 'a', newQuantity: 6, timestampMs: 2_000 });
		return book;
	};

	it('rebuilds the same book, queue order included, from restingOrders()', () => {
		const original = aBusyBook();
		const rebuilt = new OrderBook();
		for (const order of original.restingOrders())
			expect(rebuilt.restore(order)).toEqual({ ok: true });
		expect(rebuilt.restingOrders()).toEqual(original.restingOrders());
		expect(rebuilt.snapshot()).toEqual(original.snapshot());
		expect(rebuilt.validate()).toEqual([]);
	});

	it('does not depend on the order in which the orders are restored', () => {
		const original = aBusyBook();
		const rebuilt = new OrderBook();
		for (const order of original.restingOrders().reverse()) rebuilt.restore(order);
		expect(rebuilt.restingOrders()).toEqual(original.restingOrders());
		const fills = ofType(rebuilt.place(aSell({ priceCents: 50, quantity: 11 })), 'fill');
		expect(fills.map((f) => f.makerOrderId)).toEqual(['b', 'a']);
	});

	it('gives orders placed after a restore a later priority', () => {
		const rebuilt = new OrderBook();
		for (const order of aBusyBook().restingOrders()) rebuilt.restore(order);
		const [rested] = ofType(rebuilt.place(aBuy({ priceCents: 50 })), 'rested');
		expect(rested?.priority).toBe(6);
	});

	it('appends an order given without a priority to the back of its level', () => {
		const book = aBookWith(aBuy({ orderId: 'a', priceCents: 50 }));
		book.restore({
			orderId: 'late',
			userId: 'u',
			side: 'BUY',
			priceCents: 50,
			quantity: 1,
			timeInForce: 'GTC',
			expiresAtMs: null,
			timestampMs: 0
		});
		expect(book.restingOrders().map((o) => o.orderId)).toEqual(['a', 'late']);
	});

	it('refuses an order that would cross the book or whose id is taken', () => {
		const book = aBookWith(aSell({ orderId: 's1', priceCents: 55 }));
		const order = { ...book.getOrder('s1')!, side: 'BUY' as const, orderId: 'b1' };
		expect(book.restore(order)).toEqual({ ok: false, code: RejectCode.WOULD_CROSS });
		expect(book.restore(book.getOrder('s1')!)).toEqual({
			ok: false,
			code: RejectCode.DUPLICATE_ORDER_ID
		});
		expect(book.size).toBe(1);
	});

	it('keeps GTD expiries working after a restore', () => {
		const rebuilt = new OrderBook();
		for (const order of aBusyBook().restingOrders()) rebuilt.restore(order);
		const expired = ofType(rebuilt.expire({ type: 'expire', nowMs: 9_000 }), 'expired');
		expect(expired.map((e) => e.orderId)).toEqual(['c']);
	});
});

describe('validating the book’s own invariants', () => {
	/** Reaches into the book to damage it on purpose; nothing outside tests may do this. */
	const levelsOf = (book: OrderBook) =>
		book as unknown as { bidLevels: PriceLevel[]; askLevels: PriceLevel[] };

	it('finds nothing wrong with a book built by commands', () => {
		const book = aBookWith(
			aBuy({ priceCents: 40 }),
			aSell({ priceCents: 60 }),
			aBuy({ priceCents: 40 })
		);
		expect(book.validate()).toEqual([]);
	});

	it('reports a level total that does not match its orders', () => {
		const book = aBookWith(aBuy({ priceCents: 40, quantity: 3 }));
		levelsOf(book).bidLevels[40]!.totalQuantity = 4;
		expect(book.validate()).toEqual(['bid 40: total 4 but orders sum to 3']);
	});

	it('reports a broken link in a queue', () => {
		const book = aBookWith(
			aBuy({ orderId: 'a', priceCents: 40 }),
			aBuy({ orderId: 'b', priceCents: 40 })
		);
		levelsOf(book).bidLevels[40]!.tail!.prev = null;
		expect(book.validate()).toContain('bid 40: b has a wrong prev link');
	});

	it('reports an order on the wrong side and stale best prices', () => {
		const book = aBookWith(aBuy({ orderId: 'b', priceCents: 40 }));
		const bid = levelsOf(book).bidLevels[40]!;
		const node = bid.head!;
		bid.unlink(node);
		levelsOf(book).askLevels[40]!.append(node);
		expect(book.validate()).toEqual(
			expect.arrayContaining([
				'ask 40: b is on the wrong side',
				'best bid is 40 but the highest bid level is 0',
				'best ask is 100 but the lowest ask level is 40'
			])
		);
	});

	it('reports a crossed book', () => {
		const book = aBookWith(aBuy({ priceCents: 40 }), aSell({ orderId: 's', priceCents: 60 }));
		const node = levelsOf(book).askLevels[60]!.head!;
		levelsOf(book).askLevels[60]!.unlink(node);
		node.priceCents = 39;
		levelsOf(book).askLevels[39]!.append(node);
		expect(book.validate()).toContain('book is crossed: bid 40 >= ask 39');
	});
});
