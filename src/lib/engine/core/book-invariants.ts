// The book's own consistency checks, run by validate(): every problem found is described in
// one line, so a failing property test or a live health check says exactly what broke.

import type { BookState } from './book-state';
import { NO_ASK_CENTS, NO_BID_CENTS } from './book-state';
import type { PriceLevel } from './price-level';
import { MAX_PRICE_CENTS, MIN_PRICE_CENTS } from './types';

function levelProblems(book: BookState, level: PriceLevel, label: string): string[] {
	const problems: string[] = [];
	let quantity = 0;
	let count = 0;
	let lastPriority = -Infinity;
	let prev = null;
	// Bounded by the map size, so a cycle in the list cannot hang the check.
	for (let node = level.head; node !== null && count <= book.orders.size; node = node.next) {
		const id = node.orderId;
		if (node.prev !== prev) problems.push(`${label}: ${id} has a wrong prev link`);
		if (node.level !== level) problems.push(`${label}: ${id} points at another level`);
		if (node.side !== level.side) problems.push(`${label}: ${id} is on the wrong side`);
		if (node.priceCents !== level.priceCents) problems.push(`${label}: ${id} has a wrong price`);
		if (!Number.isInteger(node.quantity) || node.quantity < 1) {
			problems.push(`${label}: ${id} has quantity ${node.quantity}`);
		}
		if (node.priority <= lastPriority) problems.push(`${label}: ${id} is out of priority order`);
		if (book.orders.get(id) !== node) problems.push(`${label}: ${id} is not in the id map`);
		if ((node.timeInForce === 'GTD') !== book.gtdOrders.has(node)) {
			problems.push(`${label}: ${id} disagrees with the GTD set`);
		}
		if (node.expiresAtMs !== null && node.expiresAtMs < book.nextExpiryMs) {
			problems.push(`${label}: ${id} expires before nextExpiryMs`);
		}
		if (node.priority >= book.nextPriority) problems.push(`${label}: ${id} has a future priority`);
		lastPriority = node.priority;
		quantity += node.quantity;
		count++;
		prev = node;
	}
	if (level.tail !== prev) problems.push(`${label}: tail is not the last node`);
	if (quantity !== level.totalQuantity) {
		problems.push(`${label}: total ${level.totalQuantity} but orders sum to ${quantity}`);
	}
	if (count !== level.orderCount)
		problems.push(`${label}: count ${level.orderCount} but ${count} queued`);
	return problems;
}

export function findBookProblems(book: BookState): string[] {
	const problems: string[] = [];
	let queued = 0;
	let highestBid = NO_BID_CENTS;
	let lowestAsk = NO_ASK_CENTS;
	for (let p = MIN_PRICE_CENTS; p <= MAX_PRICE_CENTS; p++) {
		const bid = book.bidLevels[p];
		const ask = book.askLevels[p];
		if (bid === undefined || ask === undefined) {
			problems.push(`level ${p} is missing`);
			continue;
		}
		problems.push(...levelProblems(book, bid, `bid ${p}`), ...levelProblems(book, ask, `ask ${p}`));
		queued += bid.orderCount + ask.orderCount;
		if (bid.orderCount > 0) highestBid = p;
		if (ask.orderCount > 0 && lowestAsk === NO_ASK_CENTS) lowestAsk = p;
	}
	if (book.bestBidCents !== highestBid) {
		problems.push(`best bid is ${book.bestBidCents} but the highest bid level is ${highestBid}`);
	}
	if (book.bestAskCents !== lowestAsk) {
		problems.push(`best ask is ${book.bestAskCents} but the lowest ask level is ${lowestAsk}`);
	}
	if (highestBid >= lowestAsk)
		problems.push(`book is crossed: bid ${highestBid} >= ask ${lowestAsk}`);
	if (queued !== book.orders.size) {
		problems.push(`${book.orders.size} orders in the id map but ${queued} queued`);
	}
	for (const node of book.gtdOrders) {
		if (book.orders.get(node.orderId) !== node) problems.push(`GTD ${node.orderId} is not resting`);
	}
	return problems;
}
