// Random command sequences run through the core and through a deliberately naive reference
// model (plain arrays, re-sorted every time): both must report the same events and books.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CancelReason, RejectCode } from './codes';
import type { BookEvent, BookDeltaEvent } from './events';
import { OrderBook } from './order-book';
import type { BookSnapshot, Command, PlaceOrder, Side, TimeInForce } from './types';

// ---------------------------------------------------------------------------------------------
// The reference model: the rules written as plainly as possible.

interface RefOrder {
	orderId: string;
	userId: string;
	clientOrderId: string | null;
	side: Side;
	priceCents: number;
	quantity: number;
	timeInForce: 'GTC' | 'GTD';
	expiresAtMs: number | null;
	postOnly: boolean;
	timestampMs: number;
	priority: number;
}

type RefEvent = Exclude<BookEvent, BookDeltaEvent>;

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
const validPrice = (p: unknown) => isInt(p) && p >= 1 && p <= 99;
const validQuantity = (q: unknown) => isInt(q) && q >= 1 && q <= 1_000_000_000;

class ReferenceBook {
	orders: RefOrder[] = [];
	nextPriority = 1;

	bids(): RefOrder[] {
		return this.orders
			.filter((o) => o.side === 'BUY')
			.sort((a, b) => b.priceCents - a.priceCents || a.priority - b.priority);
	}

	asks(): RefOrder[] {
		return this.orders
			.filter((o) => o.side === 'SELL')
			.sort((a, b) => a.priceCents - b.priceCents || a.priority - b.priority);
	}

	snapshot(): BookSnapshot {
		const levels = (orders: RefOrder[]) => {
			const result: { priceCents: number; quantity: number; orders: number }[] = [];
			for (const o of orders) {
				const last = result[result.length - 1];
				if (last && last.priceCents === o.priceCents) {
					last.quantity += o.quantity;
					last.orders += 1;
				} else result.push({ priceCents: o.priceCents, quantity: o.quantity, orders: 1 });
			}
			return result;
		};
		return { bids: levels(this.bids()), asks: levels(this.asks()) };
	}

	remove(order: RefOrder): void {
		this.orders = this.orders.filter((o) => o !== order);
	}

	crosses(side: Side, limitCents: number): boolean {
		if (side === 'BUY') return this.asks().some((o) => o.priceCents <= limitCents);
		return this.bids().some((o) => o.priceCents >= limitCents);
	}

	sweep(nowMs: number, out: RefEvent[]): void {
		const due = this.orders
			.filter((o) => o.expiresAtMs !== null && o.expiresAtMs <= nowMs)
			.sort((a, b) => a.priority - b.priority);
		for (const o of due) {
			this.remove(o);
			out.push({
				type: 'expired',
				orderId: o.orderId,
				userId: o.userId,
				side: o.side,
				priceCents: o.priceCents,
				remainingQuantity: o.quantity,
				expiresAtMs: o.expiresAtMs as number
			});
		}
	}

	match(
		takerOrderId: string,
		userId: string,
		side: Side,
		limitCents: number,
		quantity: number,
		out: RefEvent[]
	): number {
		let remaining = quantity;
		const opposite = side === 'BUY' ? this.asks() : this.bids();
		for (const maker of opposite) {
			if (remaining === 0) break;
			const reachable =
				side === 'BUY' ? maker.priceCents <= limitCents : maker.priceCents >= limitCents;
			if (!reachable) break;
			if (maker.userId === userId) {
				this.remove(maker);
				out.push(this.cancelledEvent(maker, 'SELF_TRADE'));
				continue;
			}
			const traded = Math.min(remaining, maker.quantity);
			remaining -= traded;
			maker.quantity -= traded;
			out.push({
				type: 'fill',
				makerOrderId: maker.orderId,
				takerOrderId,
				makerUserId: maker.userId,
				takerUserId: userId,
				takerSide: side,
				priceCents: maker.priceCents,
				quantity: traded,
				makerRemainingQuantity: maker.quantity,
				takerRemainingQuantity: remaining
			});
			if (maker.quantity === 0) this.remove(maker);
		}
		return remaining;
	}

	cancelledEvent(o: RefOrder, reason: CancelReason): RefEvent {
		return {
			type: 'cancelled',
			orderId: o.orderId,
			userId: o.userId,
			side: o.side,
			priceCents: o.priceCents,
			remainingQuantity: o.quantity,
			reason
		};
	}

	rest(o: RefOrder, out: RefEvent[]): void {
		o.priority = this.nextPriority++;
		this.orders.push(o);
		out.push({
			type: 'rested',
			orderId: o.orderId,
			userId: o.userId,
			side: o.side,
			priceCents: o.priceCents,
			quantity: o.quantity,
			priority: o.priority
		});
	}

	place(o: PlaceOrder): RefEvent[] {
		const out: RefEvent[] = [];
		const reject = (code: RejectCode) => {
			out.push({ type: 'rejected', orderId: o.orderId, code });
			return out;
		};
		const tif: TimeInForce = o.timeInForce ?? 'GTC';
		if (!validQuantity(o.quantity)) return reject('INVALID_QUANTITY');
		if (o.type === 'MARKET' && o.postOnly) return reject('INVALID_TIME_IN_FORCE');
		if (o.type === 'LIMIT') {
			if (!validPrice(o.priceCents)) return reject('INVALID_PRICE');
			if (o.postOnly && (tif === 'IOC' || tif === 'FOK')) return reject('INVALID_TIME_IN_FORCE');
			if (tif === 'GTD' && (o.expiresAtMs as number) <= o.timestampMs)
				return reject('EXPIRED_ON_ARRIVAL');
		}
		if (this.orders.some((r) => r.orderId === o.orderId)) return reject('DUPLICATE_ORDER_ID');
		this.sweep(o.timestampMs, out);
		const isMarket = o.type === 'MARKET';
		const limitCents = isMarket ? (o.side === 'BUY' ? 99 : 1) : (o.priceCents as number);
		const effectiveTif = isMarket ? (tif === 'FOK' ? 'FOK' : 'IOC') : tif;
		if (o.postOnly && this.crosses(o.side, limitCents)) return reject('POST_ONLY_WOULD_CROSS');
		if (effectiveTif === 'FOK') {
			const available = (o.side === 'BUY' ? this.asks() : this.bids())
				.filter((m) => (o.side === 'BUY' ? m.priceCents <= limitCents : m.priceCents >= limitCents))
				.filter((m) => m.userId !== o.userId)
				.reduce((sum, m) => sum + m.quantity, 0);
			if (available < o.quantity) return reject('FOK_NOT_FILLED');
		}
		out.push({
			type: 'accepted',
			orderId: o.orderId,
			userId: o.userId,
			side: o.side,
			priceCents: limitCents,
			quantity: o.quantity
		});
		const remaining = this.match(o.orderId, o.userId, o.side, limitCents, o.quantity, out);
		if (remaining === 0) return out;
		if (effectiveTif === 'IOC' || effectiveTif === 'FOK') {
			out.push({
				type: 'cancelled',
				orderId: o.orderId,
				userId: o.userId,
				side: o.side,
				priceCents: limitCents,
				remainingQuantity: remaining,
				reason: 'IOC_REMAINDER'
			});
			return out;
		}
		this.rest(
			{
				orderId: o.orderId,
				userId: o.userId,
				clientOrderId: o.clientOrderId ?? null,
				side: o.side,
				priceCents: limitCents,
				quantity: remaining,
				timeInForce: effectiveTif === 'GTD' ? 'GTD' : 'GTC',
				expiresAtMs: effectiveTif === 'GTD' ? (o.expiresAtMs as number) : null,
				postOnly: o.postOnly === true,
				timestampMs: o.timestampMs,
				priority: 0
			},
			out
		);
		return out;
	}

	amend(c: Extract<Command, { type: 'amend' }>): RefEvent[] {
		const out: RefEvent[] = [];
		const reject = (code: RejectCode) => {
			out.push({ type: 'rejected', orderId: c.orderId, code });
			return out;
		};
		if (c.newQuantity === undefined && c.newPriceCents === undefined)
			return reject('NOTHING_TO_AMEND');
		if (c.newQuantity !== undefined && !validQuantity(c.newQuantity))
			return reject('INVALID_QUANTITY');
		if (c.newPriceCents !== undefined && !validPrice(c.newPriceCents))
			return reject('INVALID_PRICE');
		this.sweep(c.timestampMs, out);
		const o = this.orders.find((r) => r.orderId === c.orderId);
		if (!o || (c.userId !== undefined && c.userId !== o.userId)) return reject('UNKNOWN_ORDER');
		const priceCents = c.newPriceCents ?? o.priceCents;
		const quantity = c.newQuantity ?? o.quantity;
		const amended = (keptPriority: boolean): RefEvent => ({
			type: 'amended',
			orderId: o.orderId,
			userId: o.userId,
			side: o.side,
			oldPriceCents: o.priceCents,
			oldQuantity: o.quantity,
			priceCents,
			quantity,
			keptPriority
		});
		if (priceCents === o.priceCents && quantity <= o.quantity) {
			out.push(amended(true));
			o.quantity = quantity;
			return out;
		}
		if (o.postOnly && this.crosses(o.side, priceCents)) return reject('POST_ONLY_WOULD_CROSS');
		this.remove(o);
		out.push(amended(false));
		const remaining = this.match(o.orderId, o.userId, o.side, priceCents, quantity, out);
		if (remaining > 0) {
			this.rest({ ...o, priceCents, quantity: remaining, timestampMs: c.timestampMs }, out);
		}
		return out;
	}

	cancel(c: Extract<Command, { type: 'cancel' }>): RefEvent[] {
		const o = this.orders.find((r) => r.orderId === c.orderId);
		if (!o || (c.userId !== undefined && c.userId !== o.userId)) {
			return [{ type: 'rejected', orderId: c.orderId, code: 'UNKNOWN_ORDER' }];
		}
		this.remove(o);
		return [this.cancelledEvent(o, 'USER')];
	}

	cancelAll(c: Extract<Command, { type: 'cancelAll' }>): RefEvent[] {
		const chosen = [...this.bids(), ...this.asks()].filter(
			(o) =>
				(c.userId === undefined || o.userId === c.userId) &&
				(c.side === undefined || o.side === c.side)
		);
		return chosen.map((o) => {
			this.remove(o);
			return this.cancelledEvent(o, c.reason ?? 'USER');
		});
	}

	execute(c: Command): RefEvent[] {
		switch (c.type) {
			case 'place':
				return this.place(c.order);
			case 'amend':
				return this.amend(c);
			case 'cancel':
				return this.cancel(c);
			case 'cancelAll':
				return this.cancelAll(c);
			case 'expire': {
				const out: RefEvent[] = [];
				this.sweep(c.nowMs, out);
				return out;
			}
		}
	}
}

/** The final state of one level, as a book delta would report it. */
function levelState(book: BookSnapshot, side: Side, priceCents: number): BookDeltaEvent {
	const level = book[side === 'BUY' ? 'bids' : 'asks'].find((l) => l.priceCents === priceCents);
	return {
		type: 'bookDelta',
		side,
		priceCents,
		quantity: level?.quantity ?? 0,
		orderCount: level?.orders ?? 0
	};
}

/** The levels whose total or order count a command changed: each must get a delta. */
function changedLevels(before: BookSnapshot, after: BookSnapshot): BookDeltaEvent[] {
	const changes: BookDeltaEvent[] = [];
	for (const side of ['BUY', 'SELL'] as const) {
		const key = side === 'BUY' ? 'bids' : 'asks';
		const prices = new Set([...before[key], ...after[key]].map((l) => l.priceCents));
		for (const priceCents of prices) {
			const was = levelState(before, side, priceCents);
			const now = levelState(after, side, priceCents);
			if (was.quantity !== now.quantity || was.orderCount !== now.orderCount) changes.push(now);
		}
	}
	return changes;
}

// ---------------------------------------------------------------------------------------------
// Random commands. Few ids, users and prices, so that duplicates, unknown ids, self-trades,
// crossing orders and expiries all happen often.

const orderIdArb = fc.integer({ min: 1, max: 30 }).map((n) => `o${n}`);
const userIdArb = fc.constantFrom('alice', 'bob', 'carol');
const priceArb = fc.oneof(
	{ weight: 20, arbitrary: fc.integer({ min: 45, max: 55 }) },
	fc.constantFrom(0, 100)
);
const quantityArb = fc.oneof(
	{ weight: 20, arbitrary: fc.integer({ min: 1, max: 15 }) },
	fc.constant(0)
);

/** Who sends an amend or cancel: the order's owner, someone else, or nobody named. */
type Caller = 'owner' | 'stranger' | 'unnamed';

/**
 * Commands as plain data (so that counterexamples print readably), completed by the runner:
 * it advances its clock by `advanceMs` and stamps the command with it, and resolves `target`
 * to the target-th resting order (or to `fallbackOrderId`, often finished, when none rests).
 */
type Step =
	| {
			advanceMs: number;
			place: Omit<PlaceOrder, 'timestampMs' | 'expiresAtMs'>;
			expiresInMs: number;
	  }
	| {
			advanceMs: number;
			amend: { newQuantity?: number; newPriceCents?: number };
			target: number | null;
			fallbackOrderId: string;
			caller: Caller;
	  }
	| {
			advanceMs: number;
			cancel: true;
			target: number | null;
			fallbackOrderId: string;
			caller: Caller;
	  }
	| { advanceMs: number; cancelAll: Extract<Command, { type: 'cancelAll' }> }
	| { advanceMs: number; expire: true };

const advanceArb = fc.integer({ min: 0, max: 6 });
const targetArb = fc.option(fc.nat(), { nil: null, freq: 5 });
const callerArb = fc.constantFrom<Caller>('owner', 'owner', 'unnamed', 'unnamed', 'stranger');

const placeArb: fc.Arbitrary<Step> = fc.record({
	advanceMs: advanceArb,
	place: fc
		.record({
			orderId: orderIdArb,
			userId: userIdArb,
			side: fc.constantFrom<Side>('BUY', 'SELL'),
			type: fc.constantFrom('LIMIT', 'LIMIT', 'LIMIT', 'MARKET' as const),
			priceCents: priceArb,
			quantity: quantityArb,
			timeInForce: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'GTC', 'IOC', 'FOK', 'GTD', 'GTD'),
			postOnly: fc.constantFrom(false, false, false, false, false, true)
		})
		.map((o) => ({ ...o, clientOrderId: `c-${o.orderId}` })),
	expiresInMs: fc.integer({ min: -2, max: 40 })
});

const amendArb: fc.Arbitrary<Step> = fc.record({
	advanceMs: advanceArb,
	amend: fc.oneof(
		{ weight: 4, arbitrary: fc.record({ newQuantity: quantityArb }) },
		{ weight: 4, arbitrary: fc.record({ newPriceCents: priceArb }) },
		{ weight: 4, arbitrary: fc.record({ newQuantity: quantityArb, newPriceCents: priceArb }) },
		{ weight: 1, arbitrary: fc.constant({}) }
	),
	target: targetArb,
	fallbackOrderId: orderIdArb,
	caller: callerArb
});

const cancelArb: fc.Arbitrary<Step> = fc.record({
	advanceMs: advanceArb,
	cancel: fc.constant(true as const),
	target: targetArb,
	fallbackOrderId: orderIdArb,
	caller: callerArb
});

const cancelAllArb: fc.Arbitrary<Step> = fc.record({
	advanceMs: advanceArb,
	cancelAll: fc.record({
		type: fc.constant('cancelAll' as const),
		userId: fc.option(userIdArb, { nil: undefined, freq: 4 }),
		side: fc.option(fc.constantFrom<Side>('BUY', 'SELL'), { nil: undefined }),
		reason: fc.option(fc.constantFrom<CancelReason>('USER', 'MARKET_CLOSED'), { nil: undefined })
	})
});

const expireArb: fc.Arbitrary<Step> = fc.record({
	advanceMs: advanceArb,
	expire: fc.constant(true as const)
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 12, arbitrary: placeArb },
	{ weight: 4, arbitrary: amendArb },
	{ weight: 3, arbitrary: cancelArb },
	{ weight: 1, arbitrary: cancelAllArb },
	{ weight: 1, arbitrary: expireArb }
);

const stepsArb = (maxLength: number) => fc.array(stepArb, { maxLength, size: 'max' });

/** Turns steps into commands one at a time, resolving targets against `resting()`. */
function* commandsOf(
	steps: Step[],
	resting: () => readonly { orderId: string; userId: string }[],
	startMs = 1_000
): Generator<Command> {
	let nowMs = startMs;
	for (const step of steps) {
		nowMs += step.advanceMs;
		if ('place' in step) {
			const order = { ...step.place, timestampMs: nowMs, expiresAtMs: nowMs + step.expiresInMs };
			yield { type: 'place', order };
		} else if ('cancelAll' in step) {
			yield step.cancelAll;
		} else if ('expire' in step) {
			yield { type: 'expire', nowMs };
		} else {
			const orders = resting();
			const target = step.target === null ? undefined : orders[step.target % orders.length];
			const orderId = target?.orderId ?? step.fallbackOrderId;
			const owner = target?.userId ?? 'alice';
			const userId =
				step.caller === 'unnamed' ? undefined : step.caller === 'owner' ? owner : `not-${owner}`;
			if ('cancel' in step) yield { type: 'cancel', orderId, userId };
			else yield { type: 'amend', orderId, userId, ...step.amend, timestampMs: nowMs };
		}
	}
}

// ---------------------------------------------------------------------------------------------

describe('the matching core against a naive reference model', () => {
	it('reports the same fills, cancels, rejects and expiries, and keeps the same book', () => {
		fc.assert(
			fc.property(stepsArb(80), (steps) => {
				const core = new OrderBook();
				const reference = new ReferenceBook();
				const byPriority = () => [...reference.orders].sort((a, b) => a.priority - b.priority);
				for (const command of commandsOf(steps, byPriority)) {
					const before = reference.snapshot();
					const expected = reference.execute(command);
					const events = core.execute(command);

					const firstDelta = events.findIndex((e) => e.type === 'bookDelta');
					const body = firstDelta === -1 ? events : events.slice(0, firstDelta);
					const deltas = firstDelta === -1 ? [] : events.slice(firstDelta);
					expect(body).toEqual(expected);
					expect(deltas.every((e) => e.type === 'bookDelta')).toBe(true);
					// A level can be touched and end as it was (an expiry and a new order at one
					// price), so the core may report more levels than changed, never fewer; each
					// once, with its final state.
					const after = reference.snapshot();
					const reported = deltas as BookDeltaEvent[];
					expect(reported).toEqual(reported.map((d) => levelState(after, d.side, d.priceCents)));
					expect(new Set(reported.map((d) => `${d.side} ${d.priceCents}`)).size).toBe(
						reported.length
					);
					expect(reported).toEqual(expect.arrayContaining(changedLevels(before, after)));
					expect(core.snapshot()).toEqual(reference.snapshot());
					expect(core.restingOrders()).toEqual(byPriority());
					expect(core.validate()).toEqual([]);
				}
			}),
			{ numRuns: 400 }
		);
	});

	it('rebuilds an identical book from its resting orders, restored in any order', () => {
		fc.assert(
			fc.property(
				stepsArb(60),
				stepsArb(20),
				fc.integer({ min: 0, max: 1_000 }),
				(steps, laterSteps, shuffleSeed) => {
					const original = new OrderBook();
					for (const command of commandsOf(steps, () => original.restingOrders())) {
						original.execute(command);
					}

					const resting = original.restingOrders();
					const shuffled = resting
						.map((o, i) => ({ o, key: (i * 7919 + shuffleSeed) % (resting.length + 13) }))
						.sort((a, b) => a.key - b.key)
						.map(({ o }) => o);
					const rebuilt = new OrderBook({ nextPriority: original.nextOrderPriority });
					for (const order of shuffled) expect(rebuilt.restore(order)).toEqual({ ok: true });

					expect(rebuilt.restingOrders()).toEqual(resting);
					expect(rebuilt.validate()).toEqual([]);
					// And it behaves the same from then on.
					const later = commandsOf(laterSteps, () => original.restingOrders(), 10_000);
					for (const command of later) {
						expect(rebuilt.execute(command)).toEqual(original.execute(command));
					}
				}
			),
			{ numRuns: 200 }
		);
	});

	it('never throws, whatever it is sent', () => {
		const anything = fc.anything();
		const junkCommand = fc.oneof(
			anything,
			fc.record({
				type: fc.constantFrom('place', 'amend', 'cancel', 'cancelAll', 'expire'),
				order: anything
			}),
			fc.record({
				type: fc.constantFrom('amend', 'cancel', 'cancelAll', 'expire'),
				orderId: anything,
				userId: anything,
				newQuantity: anything,
				newPriceCents: anything,
				timestampMs: anything,
				nowMs: anything,
				side: anything,
				reason: anything
			})
		);
		fc.assert(
			fc.property(stepsArb(20), fc.array(junkCommand, { maxLength: 20 }), (steps, junk) => {
				const book = new OrderBook();
				for (const command of commandsOf(steps, () => book.restingOrders())) {
					book.execute(command);
				}
				for (const command of junk) {
					expect(() => book.execute(command as Command)).not.toThrow();
					expect(book.validate()).toEqual([]);
				}
			}),
			{ numRuns: 300 }
		);
	});
});
