// The matching core for one option's YES book: takes commands, returns events. Pure,
// synchronous and deterministic: no I/O, no clock, no randomness; ids and times come in.

import type { BookState } from './book-state';
import { NO_ASK_CENTS, NO_BID_CENTS } from './book-state';
import { findBookProblems } from './book-invariants';
import { l2Snapshot, restingOrdersByPriority } from './book-views';
import { CancelReason, RejectCode } from './codes';
import type { BookEvent } from './events';
import { OrderNode } from './order-node';
import { PriceLevel } from './price-level';
import type {
	AmendCommand,
	BookSnapshot,
	CancelAllCommand,
	CancelCommand,
	Command,
	ExpireCommand,
	PlaceOrder,
	RestingOrder,
	RestoredOrder,
	Side
} from './types';
import { MAX_PRICE_CENTS, MIN_PRICE_CENTS } from './types';
import {
	amendProblem,
	isValidId,
	isValidPriceCents,
	isValidQuantity,
	placeOrderProblem
} from './validation';

export type RestoreResult = { ok: true } | { ok: false; code: RejectCode };

export interface OrderBookOptions {
	/**
	 * The priority the next resting order gets. A rebuilt book should continue where the old
	 * one stopped: one more than the highest priority ever handed out (every `rested` event
	 * carries one), so that both produce the same events from then on. Default 1.
	 */
	nextPriority?: number;
}

const CANCEL_REASONS: ReadonlySet<string> = new Set(Object.values(CancelReason));

const byPriority = (a: OrderNode, b: OrderNode): number => a.priority - b.priority;

function orderIdOf(value: unknown): string | null {
	if (typeof value !== 'object' || value === null || !('orderId' in value)) return null;
	return isValidId(value.orderId) ? value.orderId : null;
}

function newLevels(side: Side): PriceLevel[] {
	const levels: PriceLevel[] = [];
	for (let p = 0; p <= MAX_PRICE_CENTS + 1; p++) levels.push(new PriceLevel(side, p));
	return levels;
}

/**
 * Every command method appends its events to `events` (a fresh array when omitted) and
 * returns it, so a caller can also gather the events of several commands (a group commit) in
 * one array. Events come in causal order, then one bookDelta per level the command touched.
 */
export class OrderBook {
	private readonly bidLevels = newLevels('BUY');
	private readonly askLevels = newLevels('SELL');
	private bestBidCents = NO_BID_CENTS;
	private bestAskCents = NO_ASK_CENTS;
	private readonly orders = new Map<string, OrderNode>();
	/** GTD orders are few, so the expiry sweep scans them instead of keeping a heap. */
	private readonly gtdOrders = new Set<OrderNode>();
	private nextExpiryMs = Infinity;
	private nextPriority = 1;
	/** Counts commands, so a level touched twice by one command reports one delta. */
	private commandId = 0;
	/** Levels touched by the current command; a count, since truncating an array is slow. */
	private readonly touchedLevels: PriceLevel[] = [];
	private touchedCount = 0;

	constructor({ nextPriority = 1 }: OrderBookOptions = {}) {
		this.nextPriority = Number.isSafeInteger(nextPriority) && nextPriority > 0 ? nextPriority : 1;
	}

	execute(command: Command, events: BookEvent[] = []): BookEvent[] {
		switch (command?.type) {
			case 'place':
				return this.place(command.order, events);
			case 'amend':
				return this.amend(command, events);
			case 'cancel':
				return this.cancel(command, events);
			case 'cancelAll':
				return this.cancelAll(command, events);
			case 'expire':
				return this.expire(command, events);
			default:
				events.push({ type: 'rejected', orderId: null, code: RejectCode.INVALID_COMMAND });
				return events;
		}
	}

	place(order: PlaceOrder, events: BookEvent[] = []): BookEvent[] {
		const problem = placeOrderProblem(order);
		if (problem !== null) {
			events.push({ type: 'rejected', orderId: orderIdOf(order), code: problem });
			return events;
		}
		const { orderId, userId, side, quantity, timestampMs } = order;
		if (this.orders.has(orderId)) {
			events.push({ type: 'rejected', orderId, code: RejectCode.DUPLICATE_ORDER_ID });
			return events;
		}
		this.commandId++;
		// An order whose time has passed must not trade, so sweep before matching.
		if (timestampMs >= this.nextExpiryMs) this.sweepExpired(timestampMs, events);

		const isBuy = side === 'BUY';
		let limitCents: number;
		let timeInForce = order.timeInForce ?? 'GTC';
		if (order.type === 'MARKET') {
			limitCents = isBuy ? MAX_PRICE_CENTS : MIN_PRICE_CENTS;
			if (timeInForce !== 'FOK') timeInForce = 'IOC';
		} else {
			limitCents = order.priceCents as number;
		}
		const crosses = isBuy ? this.bestAskCents <= limitCents : this.bestBidCents >= limitCents;

		if (crosses && order.postOnly === true) {
			events.push({ type: 'rejected', orderId, code: RejectCode.POST_ONLY_WOULD_CROSS });
		} else if (
			timeInForce === 'FOK' &&
			!this.canFillCompletely(userId, isBuy, limitCents, quantity)
		) {
			events.push({ type: 'rejected', orderId, code: RejectCode.FOK_NOT_FILLED });
		} else {
			events.push({ type: 'accepted', orderId, userId, side, priceCents: limitCents, quantity });
			const remaining = crosses
				? this.match(orderId, userId, side, limitCents, quantity, events)
				: quantity;
			if (remaining > 0) {
				if (timeInForce === 'IOC' || timeInForce === 'FOK') {
					events.push({
						type: 'cancelled',
						orderId,
						userId,
						side,
						priceCents: limitCents,
						remainingQuantity: remaining,
						reason: CancelReason.IOC_REMAINDER
					});
				} else {
					const isGtd = timeInForce === 'GTD';
					const node = new OrderNode(
						orderId,
						userId,
						order.clientOrderId ?? null,
						side,
						limitCents,
						remaining,
						isGtd ? 'GTD' : 'GTC',
						isGtd ? (order.expiresAtMs as number) : null,
						order.postOnly === true,
						timestampMs,
						0
					);
					this.rest(node, events);
				}
			}
		}
		if (this.touchedCount > 0) this.flushDeltas(events);
		return events;
	}

	amend(command: AmendCommand, events: BookEvent[] = []): BookEvent[] {
		const problem = amendProblem(command);
		if (problem !== null) {
			events.push({ type: 'rejected', orderId: orderIdOf(command), code: problem });
			return events;
		}
		const { orderId, timestampMs } = command;
		this.commandId++;
		if (timestampMs >= this.nextExpiryMs) this.sweepExpired(timestampMs, events);
		const node = this.orders.get(orderId);
		if (node === undefined || (command.userId !== undefined && command.userId !== node.userId)) {
			events.push({ type: 'rejected', orderId, code: RejectCode.UNKNOWN_ORDER });
		} else {
			this.amendResting(node, command, events);
		}
		if (this.touchedCount > 0) this.flushDeltas(events);
		return events;
	}

	cancel(command: CancelCommand, events: BookEvent[] = []): BookEvent[] {
		const orderId = command?.orderId;
		const node = typeof orderId === 'string' ? this.orders.get(orderId) : undefined;
		if (node === undefined || (command.userId !== undefined && command.userId !== node.userId)) {
			const knownId = isValidId(orderId) ? orderId : null;
			events.push({ type: 'rejected', orderId: knownId, code: RejectCode.UNKNOWN_ORDER });
			return events;
		}
		this.commandId++;
		this.cancelResting(node, CancelReason.USER, events);
		this.flushDeltas(events);
		return events;
	}

	cancelAll(command: CancelAllCommand, events: BookEvent[] = []): BookEvent[] {
		const { userId, side } = command ?? {};
		const reason = command?.reason ?? CancelReason.USER;
		if (
			(userId !== undefined && !isValidId(userId)) ||
			(side !== undefined && side !== 'BUY' && side !== 'SELL') ||
			!CANCEL_REASONS.has(reason)
		) {
			events.push({ type: 'rejected', orderId: null, code: RejectCode.INVALID_COMMAND });
			return events;
		}
		this.commandId++;
		// Bids best first, then asks best first, each level in queue order: deterministic.
		if (side !== 'SELL') {
			for (let p = this.bestBidCents; p >= MIN_PRICE_CENTS; p--) {
				this.cancelLevel(this.bidLevels[p]!, userId, reason, events);
			}
		}
		if (side !== 'BUY') {
			for (let p = this.bestAskCents; p <= MAX_PRICE_CENTS; p++) {
				this.cancelLevel(this.askLevels[p]!, userId, reason, events);
			}
		}
		this.flushDeltas(events);
		return events;
	}

	expire(command: ExpireCommand, events: BookEvent[] = []): BookEvent[] {
		const nowMs = command?.nowMs;
		if (typeof nowMs !== 'number' || Number.isNaN(nowMs)) {
			events.push({ type: 'rejected', orderId: null, code: RejectCode.INVALID_COMMAND });
			return events;
		}
		this.commandId++;
		if (nowMs >= this.nextExpiryMs) this.sweepExpired(nowMs, events);
		this.flushDeltas(events);
		return events;
	}

	/**
	 * What an order that does not rest would take from the book now: other traders' shares at
	 * prices within its limit, best first, up to `quantity`, and the worst price among them (null
	 * when there are none). Matching it takes no more shares than this, at no worse a price.
	 */
	reach(
		userId: string,
		side: Side,
		limitCents: number,
		quantity: number
	): { quantity: number; worstPriceCents: number | null } {
		const isBuy = side === 'BUY';
		const levels = isBuy ? this.askLevels : this.bidLevels;
		let taken = 0;
		let worstPriceCents: number | null = null;
		for (
			let p = isBuy ? this.bestAskCents : this.bestBidCents;
			isBuy ? p <= limitCents : p >= limitCents;
			p += isBuy ? 1 : -1
		) {
			for (let node = levels[p]!.head; node !== null; node = node.next) {
				if (node.userId === userId) continue;
				taken += Math.min(node.quantity, quantity - taken);
				worstPriceCents = p;
				if (taken === quantity) return { quantity: taken, worstPriceCents };
			}
		}
		return { quantity: taken, worstPriceCents };
	}

	/** L2 view, best first; `depth` counts non-empty levels per side. */
	snapshot(depth = MAX_PRICE_CENTS): BookSnapshot {
		return l2Snapshot(this.state(), depth);
	}

	getOrder(orderId: string): RestingOrder | undefined {
		return this.orders.get(orderId)?.toRestingOrder();
	}

	/** Every resting order, oldest priority first: feed them to restore() to rebuild the book. */
	restingOrders(): RestingOrder[] {
		return restingOrdersByPriority(this.state());
	}

	get bestBid(): number | null {
		return this.bestBidCents === NO_BID_CENTS ? null : this.bestBidCents;
	}

	get bestAsk(): number | null {
		return this.bestAskCents === NO_ASK_CENTS ? null : this.bestAskCents;
	}

	get size(): number {
		return this.orders.size;
	}

	/** The priority the next resting order will get; persist it to rebuild the book exactly. */
	get nextOrderPriority(): number {
		return this.nextPriority;
	}

	/**
	 * Loads a persisted resting order without matching. The order takes its place in its level
	 * by `priority` (or joins the back when none is given), so the input order does not matter.
	 */
	restore(order: RestoredOrder): RestoreResult {
		const code = this.restoreProblem(order);
		if (code !== null) return { ok: false, code };
		const priority = order.priority ?? this.nextPriority;
		const node = new OrderNode(
			order.orderId,
			order.userId,
			order.clientOrderId ?? null,
			order.side,
			order.priceCents,
			order.quantity,
			order.timeInForce,
			order.timeInForce === 'GTD' ? order.expiresAtMs : null,
			order.postOnly === true,
			order.timestampMs,
			priority
		);
		if (priority >= this.nextPriority) this.nextPriority = priority + 1;
		this.track(node);
		return { ok: true };
	}

	/** Problems with the book's own invariants; empty when all is well. */
	validate(): string[] {
		return findBookProblems(this.state());
	}

	private state(): BookState {
		return {
			bidLevels: this.bidLevels,
			askLevels: this.askLevels,
			bestBidCents: this.bestBidCents,
			bestAskCents: this.bestAskCents,
			orders: this.orders,
			gtdOrders: this.gtdOrders,
			nextExpiryMs: this.nextExpiryMs,
			nextPriority: this.nextPriority
		};
	}

	private restoreProblem(order: RestoredOrder): RejectCode | null {
		if (typeof order !== 'object' || order === null) return RejectCode.INVALID_COMMAND;
		if (!isValidId(order.orderId) || !isValidId(order.userId)) return RejectCode.INVALID_COMMAND;
		if (!Number.isFinite(order.timestampMs)) return RejectCode.INVALID_COMMAND;
		if (order.clientOrderId != null && typeof order.clientOrderId !== 'string') {
			return RejectCode.INVALID_COMMAND;
		}
		if (
			order.priority !== undefined &&
			!(Number.isSafeInteger(order.priority) && order.priority >= 0)
		) {
			return RejectCode.INVALID_COMMAND;
		}
		if (order.side !== 'BUY' && order.side !== 'SELL') return RejectCode.INVALID_SIDE;
		if (order.timeInForce !== 'GTC' && order.timeInForce !== 'GTD') {
			return RejectCode.INVALID_TIME_IN_FORCE;
		}
		if (order.timeInForce === 'GTD' && !Number.isFinite(order.expiresAtMs)) {
			return RejectCode.INVALID_EXPIRY;
		}
		if (!isValidPriceCents(order.priceCents)) return RejectCode.INVALID_PRICE;
		if (!isValidQuantity(order.quantity)) return RejectCode.INVALID_QUANTITY;
		if (this.orders.has(order.orderId)) return RejectCode.DUPLICATE_ORDER_ID;
		const crosses =
			order.side === 'BUY'
				? this.bestAskCents <= order.priceCents
				: this.bestBidCents >= order.priceCents;
		return crosses ? RejectCode.WOULD_CROSS : null;
	}

	/**
	 * Fills an incoming order against the opposite side, best price first, then oldest first,
	 * at the makers' prices. Returns the quantity left unfilled.
	 */
	private match(
		takerOrderId: string,
		takerUserId: string,
		takerSide: Side,
		limitCents: number,
		quantity: number,
		events: BookEvent[]
	): number {
		let remaining = quantity;
		if (takerSide === 'BUY') {
			while (remaining > 0 && this.bestAskCents <= limitCents) {
				const level = this.askLevels[this.bestAskCents]!;
				remaining = this.matchLevel(level, takerOrderId, takerUserId, takerSide, remaining, events);
			}
		} else {
			while (remaining > 0 && this.bestBidCents >= limitCents) {
				const level = this.bidLevels[this.bestBidCents]!;
				remaining = this.matchLevel(level, takerOrderId, takerUserId, takerSide, remaining, events);
			}
		}
		return remaining;
	}

	private matchLevel(
		level: PriceLevel,
		takerOrderId: string,
		takerUserId: string,
		takerSide: Side,
		quantity: number,
		events: BookEvent[]
	): number {
		this.touch(level);
		let remaining = quantity;
		let maker = level.head;
		while (maker !== null && remaining > 0) {
			const next = maker.next;
			if (maker.userId === takerUserId) {
				// Self-trade prevention: the resting order goes, the incoming one carries on.
				this.cancelResting(maker, CancelReason.SELF_TRADE, events);
			} else {
				const tradedQuantity = remaining < maker.quantity ? remaining : maker.quantity;
				remaining -= tradedQuantity;
				maker.quantity -= tradedQuantity;
				level.totalQuantity -= tradedQuantity;
				events.push({
					type: 'fill',
					makerOrderId: maker.orderId,
					takerOrderId,
					makerUserId: maker.userId,
					takerUserId,
					takerSide,
					priceCents: level.priceCents,
					quantity: tradedQuantity,
					makerRemainingQuantity: maker.quantity,
					takerRemainingQuantity: remaining
				});
				if (maker.quantity === 0) this.removeResting(maker);
			}
			maker = next;
		}
		return remaining;
	}

	/**
	 * FOK check. Orders of the same user at crossing prices do not count: self-trade prevention
	 * would cancel them rather than fill against them. A rejected FOK changes nothing.
	 */
	private canFillCompletely(
		userId: string,
		isBuy: boolean,
		limitCents: number,
		quantity: number
	): boolean {
		let needed = quantity;
		const levels = isBuy ? this.askLevels : this.bidLevels;
		const lowCents = isBuy ? this.bestAskCents : limitCents;
		const highCents = isBuy ? limitCents : this.bestBidCents;
		// Only the total matters, so the crossing levels can be walked upwards on both sides.
		for (let p = lowCents; p <= highCents; p++) {
			for (let node = levels[p]!.head; node !== null; node = node.next) {
				if (node.userId !== userId) {
					needed -= node.quantity;
					if (needed <= 0) return true;
				}
			}
		}
		return false;
	}

	private amendResting(node: OrderNode, command: AmendCommand, events: BookEvent[]): void {
		const level = node.level!;
		const oldPriceCents = node.priceCents;
		const oldQuantity = node.quantity;
		const priceCents = command.newPriceCents ?? oldPriceCents;
		const quantity = command.newQuantity ?? oldQuantity;
		const { orderId, userId, side } = node;
		if (priceCents === oldPriceCents && quantity <= oldQuantity) {
			if (quantity < oldQuantity) {
				this.touch(level);
				level.totalQuantity -= oldQuantity - quantity;
				node.quantity = quantity;
			}
			events.push({
				type: 'amended',
				orderId,
				userId,
				side,
				oldPriceCents,
				oldQuantity,
				priceCents,
				quantity,
				keptPriority: true
			});
			return;
		}
		const isBuy = side === 'BUY';
		const crosses = isBuy ? this.bestAskCents <= priceCents : this.bestBidCents >= priceCents;
		if (crosses && node.postOnly) {
			events.push({ type: 'rejected', orderId, code: RejectCode.POST_ONLY_WOULD_CROSS });
			return;
		}
		this.touch(level);
		this.removeResting(node);
		events.push({
			type: 'amended',
			orderId,
			userId,
			side,
			oldPriceCents,
			oldQuantity,
			priceCents,
			quantity,
			keptPriority: false
		});
		// A new price may cross: the order then trades as a taker, like a new order would.
		const remaining = crosses
			? this.match(orderId, userId, side, priceCents, quantity, events)
			: quantity;
		if (remaining > 0) {
			node.priceCents = priceCents;
			node.quantity = remaining;
			node.timestampMs = command.timestampMs;
			this.rest(node, events);
		}
	}

	private rest(node: OrderNode, events: BookEvent[]): void {
		node.priority = this.nextPriority++;
		this.track(node);
		this.touch(node.level!);
		events.push({
			type: 'rested',
			orderId: node.orderId,
			userId: node.userId,
			side: node.side,
			priceCents: node.priceCents,
			quantity: node.quantity,
			priority: node.priority
		});
	}

	/** Puts a node that already has its priority into its level, the id map and best prices. */
	private track(node: OrderNode): void {
		const priceCents = node.priceCents;
		if (node.side === 'BUY') {
			const level = this.bidLevels[priceCents]!;
			if (level.tail === null || level.tail.priority < node.priority) level.append(node);
			else level.insertByPriority(node);
			if (priceCents > this.bestBidCents) this.bestBidCents = priceCents;
		} else {
			const level = this.askLevels[priceCents]!;
			if (level.tail === null || level.tail.priority < node.priority) level.append(node);
			else level.insertByPriority(node);
			if (priceCents < this.bestAskCents) this.bestAskCents = priceCents;
		}
		this.orders.set(node.orderId, node);
		if (node.expiresAtMs !== null) {
			this.gtdOrders.add(node);
			if (node.expiresAtMs < this.nextExpiryMs) this.nextExpiryMs = node.expiresAtMs;
		}
	}

	private cancelResting(node: OrderNode, reason: CancelReason, events: BookEvent[]): void {
		this.touch(node.level!);
		this.removeResting(node);
		events.push({
			type: 'cancelled',
			orderId: node.orderId,
			userId: node.userId,
			side: node.side,
			priceCents: node.priceCents,
			remainingQuantity: node.quantity,
			reason
		});
	}

	private cancelLevel(
		level: PriceLevel,
		userId: string | undefined,
		reason: CancelReason,
		events: BookEvent[]
	): void {
		let node = level.head;
		while (node !== null) {
			const next = node.next;
			if (userId === undefined || node.userId === userId) this.cancelResting(node, reason, events);
			node = next;
		}
	}

	private removeResting(node: OrderNode): void {
		const level = node.level!;
		level.unlink(node);
		this.orders.delete(node.orderId);
		if (node.expiresAtMs !== null) this.gtdOrders.delete(node);
		if (level.orderCount === 0) {
			if (level.side === 'BUY') {
				if (level.priceCents === this.bestBidCents) {
					let p = this.bestBidCents - 1;
					while (p >= MIN_PRICE_CENTS && this.bidLevels[p]!.orderCount === 0) p--;
					this.bestBidCents = p < MIN_PRICE_CENTS ? NO_BID_CENTS : p;
				}
			} else if (level.priceCents === this.bestAskCents) {
				let p = this.bestAskCents + 1;
				while (p <= MAX_PRICE_CENTS && this.askLevels[p]!.orderCount === 0) p++;
				this.bestAskCents = p > MAX_PRICE_CENTS ? NO_ASK_CENTS : p;
			}
		}
	}

	/** Expires every GTD order due at nowMs, oldest priority first. */
	private sweepExpired(nowMs: number, events: BookEvent[]): void {
		const due: OrderNode[] = [];
		let nextExpiryMs = Infinity;
		for (const node of this.gtdOrders) {
			const expiresAtMs = node.expiresAtMs as number;
			if (expiresAtMs <= nowMs) due.push(node);
			else if (expiresAtMs < nextExpiryMs) nextExpiryMs = expiresAtMs;
		}
		due.sort(byPriority);
		for (const node of due) {
			this.touch(node.level!);
			this.removeResting(node);
			events.push({
				type: 'expired',
				orderId: node.orderId,
				userId: node.userId,
				side: node.side,
				priceCents: node.priceCents,
				remainingQuantity: node.quantity,
				expiresAtMs: node.expiresAtMs as number
			});
		}
		this.nextExpiryMs = nextExpiryMs;
	}

	private touch(level: PriceLevel): void {
		if (level.touchedBy !== this.commandId) {
			level.touchedBy = this.commandId;
			this.touchedLevels[this.touchedCount++] = level;
		}
	}

	private flushDeltas(events: BookEvent[]): void {
		const touched = this.touchedLevels;
		const count = this.touchedCount;
		for (let i = 0; i < count; i++) {
			const level = touched[i]!;
			events.push({
				type: 'bookDelta',
				side: level.side,
				priceCents: level.priceCents,
				quantity: level.totalQuantity,
				orderCount: level.orderCount
			});
		}
		this.touchedCount = 0;
	}
}
