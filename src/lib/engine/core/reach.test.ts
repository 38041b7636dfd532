// reach(): what an order that cannot rest would take from the book, which the engine holds cash
// for. It must never be less than what matching then takes, nor at a better price.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from './order-book';
import { aBookWith, aBuy, aSell, ofType } from './test-factories';

describe("an order's reach into the book", () => {
	it('counts the shares within the limit, best first, and names the worst price reached', () => {
		const book = aBookWith(
			aSell({ priceCents: 5, quantity: 25 }),
			aSell({ priceCents: 6, quantity: 80 }),
			aSell({ priceCents: 7, quantity: 120 })
		);
		expect(book.reach('taker', 'BUY', 99, 1_000)).toEqual({ quantity: 225, worstPriceCents: 7 });
		expect(book.reach('taker', 'BUY', 99, 50)).toEqual({ quantity: 50, worstPriceCents: 6 });
		expect(book.reach('taker', 'BUY', 5, 1_000)).toEqual({ quantity: 25, worstPriceCents: 5 });
	});

	it("walks bids downwards for a sell, and leaves out the trader's own orders", () => {
		const book = aBookWith(
			aBuy({ priceCents: 40, quantity: 3, userId: 'me' }),
			aBuy({ priceCents: 38, quantity: 4 }),
			aBuy({ priceCents: 30, quantity: 10 })
		);
		expect(book.reach('me', 'SELL', 1, 5)).toEqual({ quantity: 5, worstPriceCents: 30 });
		expect(book.reach('me', 'SELL', 35, 100)).toEqual({ quantity: 4, worstPriceCents: 38 });
	});

	it('is nothing, at no price, on an empty side or when nothing is within the limit', () => {
		const book = aBookWith(aSell({ priceCents: 60 }));
		expect(book.reach('taker', 'SELL', 1, 10)).toEqual({ quantity: 0, worstPriceCents: null });
		expect(book.reach('taker', 'BUY', 59, 10)).toEqual({ quantity: 0, worstPriceCents: null });
	});

	it('covers exactly what an IOC order then fills, at prices no worse than its worst', () => {
		const resting = fc.record({
			side: fc.constantFrom('BUY' as const, 'SELL' as const),
			priceCents: fc.integer({ min: 1, max: 99 }),
			quantity: fc.integer({ min: 1, max: 20 }),
			user: fc.integer({ min: 0, max: 3 })
		});
		const taker = fc.record({
			side: fc.constantFrom('BUY' as const, 'SELL' as const),
			market: fc.boolean(),
			priceCents: fc.integer({ min: 1, max: 99 }),
			quantity: fc.integer({ min: 1, max: 60 }),
			user: fc.integer({ min: 0, max: 3 })
		});
		fc.assert(
			fc.property(fc.array(resting, { maxLength: 30 }), taker, (orders, t) => {
				const book = new OrderBook();
				orders.forEach((o, i) =>
					book.place(
						(o.side === 'BUY' ? aBuy : aSell)({
							orderId: `r${i}`,
							userId: `u${o.user}`,
							priceCents: o.priceCents,
							quantity: o.quantity,
							timestampMs: i
						})
					)
				);
				const limit = t.market ? (t.side === 'BUY' ? 99 : 1) : t.priceCents;
				const reach = book.reach(`u${t.user}`, t.side, limit, t.quantity);
				const fills = ofType(
					book.place({
						orderId: 'taker',
						userId: `u${t.user}`,
						side: t.side,
						type: t.market ? 'MARKET' : 'LIMIT',
						priceCents: t.market ? undefined : t.priceCents,
						quantity: t.quantity,
						timeInForce: 'IOC',
						timestampMs: 1_000
					}),
					'fill'
				);
				expect(fills.reduce((sum, f) => sum + f.quantity, 0)).toBe(reach.quantity);
				for (const fill of fills) {
					if (t.side === 'BUY') expect(fill.priceCents).toBeLessThanOrEqual(reach.worstPriceCents!);
					else expect(fill.priceCents).toBeGreaterThanOrEqual(reach.worstPriceCents!);
				}
				if (fills.length > 0) expect(fills.at(-1)!.priceCents).toBe(reach.worstPriceCents);
			}),
			{ numRuns: 500 }
		);
	});
});
