import { describe, expect, it } from 'vitest';
import { RejectCode } from './codes';
import type { AmendCommand } from './types';
import { aBookWith, aBuy, aSell, ofType, rejectCodeIn, tradesIn, typesOf } from './test-factories';

const anAmend = (orderId: string, fields: Partial<AmendCommand>): AmendCommand => ({
	type: 'amend',
	orderId,
	timestampMs: 2_000,
	...fields
});

/** Three bids at 50, oldest first: a, b, c. */
const threeBidsAt50 = () =>
	aBookWith(
		aBuy({ orderId: 'a', priceCents: 50, quantity: 5 }),
		aBuy({ orderId: 'b', priceCents: 50, quantity: 5 }),
		aBuy({ orderId: 'c', priceCents: 50, quantity: 5 })
	);

const fillOrderAt50 = (book: ReturnType<typeof threeBidsAt50>) =>
	ofType(book.place(aSell({ priceCents: 50, quantity: 15 })), 'fill').map((f) => f.makerOrderId);

describe('amending an order', () => {
	it('keeps queue priority when only the quantity goes down', () => {
		const book = threeBidsAt50();
		const events = book.amend(anAmend('a', { newQuantity: 2 }));
		expect(ofType(events, 'amended')[0]).toMatchObject({
			oldQuantity: 5,
			quantity: 2,
			keptPriority: true
		});
		expect(book.snapshot().bids[0]).toEqual({ priceCents: 50, quantity: 12, orders: 3 });
		expect(fillOrderAt50(book)).toEqual(['a', 'b', 'c']);
	});

	it('loses priority when the quantity goes up', () => {
		const book = threeBidsAt50();
		const events = book.amend(anAmend('a', { newQuantity: 8 }));
		expect(ofType(events, 'amended')[0]?.keptPriority).toBe(false);
		expect(ofType(events, 'rested')[0]).toMatchObject({ orderId: 'a', quantity: 8 });
		expect(fillOrderAt50(book)).toEqual(['b', 'c', 'a']);
	});

	it('loses priority when the price changes, even back to the same level later', () => {
		const book = threeBidsAt50();
		book.amend(anAmend('a', { newPriceCents: 49 }));
		book.amend(anAmend('a', { newPriceCents: 50 }));
		expect(fillOrderAt50(book)).toEqual(['b', 'c', 'a']);
	});

	it('moves the order to its new price level', () => {
		const book = threeBidsAt50();
		book.amend(anAmend('b', { newPriceCents: 45, newQuantity: 7 }));
		expect(book.getOrder('b')).toMatchObject({ priceCents: 45, quantity: 7, timestampMs: 2_000 });
		expect(book.snapshot().bids).toEqual([
			{ priceCents: 50, quantity: 10, orders: 2 },
			{ priceCents: 45, quantity: 7, orders: 1 }
		]);
	});

	it('trades like a new order when the new price crosses', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 52, quantity: 3 }),
			aBuy({ orderId: 'b1', priceCents: 50, quantity: 5 })
		);
		const events = book.amend(anAmend('b1', { newPriceCents: 53 }));
		expect(typesOf(events).slice(0, 3)).toEqual(['amended', 'fill', 'rested']);
		expect(tradesIn(events)).toEqual([['s1', 'b1', 52, 3]]);
		expect(book.getOrder('b1')).toMatchObject({ priceCents: 53, quantity: 2 });
	});

	it('leaves nothing resting when the crossing amend fills completely', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 52, quantity: 9 }),
			aBuy({ orderId: 'b1', priceCents: 50, quantity: 5 })
		);
		book.amend(anAmend('b1', { newPriceCents: 52 }));
		expect(book.getOrder('b1')).toBeUndefined();
		expect(book.getOrder('s1')?.quantity).toBe(4);
	});

	it('rejects a post-only order whose new price would cross, and leaves it as it was', () => {
		const book = aBookWith(
			aSell({ orderId: 's1', priceCents: 52 }),
			aBuy({ orderId: 'p1', priceCents: 50, postOnly: true })
		);
		const events = book.amend(anAmend('p1', { newPriceCents: 52 }));
		expect(rejectCodeIn(events)).toBe(RejectCode.POST_ONLY_WOULD_CROSS);
		expect(book.getOrder('p1')?.priceCents).toBe(50);
	});

	it('rejects an unknown order', () => {
		const events = aBookWith().amend(anAmend('nope', { newQuantity: 1 }));
		expect(events).toEqual([{ type: 'rejected', orderId: 'nope', code: RejectCode.UNKNOWN_ORDER }]);
	});

	it('treats another user’s order as unknown', () => {
		const book = aBookWith(aBuy({ orderId: 'b1', userId: 'alice' }));
		const events = book.amend(anAmend('b1', { userId: 'mallory', newQuantity: 1 }));
		expect(rejectCodeIn(events)).toBe(RejectCode.UNKNOWN_ORDER);
		expect(book.getOrder('b1')?.quantity).toBe(10);
	});

	it('rejects an amend that names nothing to change, or an invalid new value', () => {
		const book = aBookWith(aBuy({ orderId: 'b1' }));
		expect(rejectCodeIn(book.amend(anAmend('b1', {})))).toBe(RejectCode.NOTHING_TO_AMEND);
		expect(rejectCodeIn(book.amend(anAmend('b1', { newQuantity: 0 })))).toBe(
			RejectCode.INVALID_QUANTITY
		);
		expect(rejectCodeIn(book.amend(anAmend('b1', { newPriceCents: 100 })))).toBe(
			RejectCode.INVALID_PRICE
		);
	});

	it('accepts the same quantity and price as a no-op that keeps priority', () => {
		const book = threeBidsAt50();
		const events = book.amend(anAmend('a', { newQuantity: 5, newPriceCents: 50 }));
		expect(typesOf(events)).toEqual(['amended']);
		expect(fillOrderAt50(book)).toEqual(['a', 'b', 'c']);
	});
});
