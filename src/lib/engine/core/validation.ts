// Input checks for commands, before they touch the book: each returns the reject code of the
// first problem found, or null. Bad input becomes a rejected event, never an exception.

import { RejectCode } from './codes';
import type { AmendCommand, PlaceOrder } from './types';
import { MAX_PRICE_CENTS, MAX_QUANTITY, MIN_PRICE_CENTS } from './types';

export function isValidPriceCents(priceCents: unknown): priceCents is number {
	return (
		typeof priceCents === 'number' &&
		Number.isInteger(priceCents) &&
		priceCents >= MIN_PRICE_CENTS &&
		priceCents <= MAX_PRICE_CENTS
	);
}

export function isValidQuantity(quantity: unknown): quantity is number {
	return (
		typeof quantity === 'number' &&
		Number.isInteger(quantity) &&
		quantity >= 1 &&
		quantity <= MAX_QUANTITY
	);
}

export function isValidId(id: unknown): id is string {
	return typeof id === 'string' && id.length > 0;
}

function isValidTimeMs(timeMs: unknown): timeMs is number {
	return typeof timeMs === 'number' && Number.isFinite(timeMs);
}

export function placeOrderProblem(order: PlaceOrder): RejectCode | null {
	if (typeof order !== 'object' || order === null) return RejectCode.INVALID_COMMAND;
	if (!isValidId(order.orderId) || !isValidId(order.userId)) return RejectCode.INVALID_COMMAND;
	if (!isValidTimeMs(order.timestampMs)) return RejectCode.INVALID_COMMAND;
	if (order.clientOrderId != null && typeof order.clientOrderId !== 'string') {
		return RejectCode.INVALID_COMMAND;
	}
	if (order.side !== 'BUY' && order.side !== 'SELL') return RejectCode.INVALID_SIDE;
	const isMarket = order.type === 'MARKET';
	if (!isMarket && order.type !== 'LIMIT') return RejectCode.INVALID_ORDER_TYPE;
	const timeInForce = order.timeInForce ?? 'GTC';
	if (
		timeInForce !== 'GTC' &&
		timeInForce !== 'IOC' &&
		timeInForce !== 'FOK' &&
		timeInForce !== 'GTD'
	) {
		return RejectCode.INVALID_TIME_IN_FORCE;
	}
	if (!isValidQuantity(order.quantity)) return RejectCode.INVALID_QUANTITY;
	if (isMarket) {
		// Post-only promises to rest; a market order never rests.
		if (order.postOnly === true) return RejectCode.INVALID_TIME_IN_FORCE;
		return null;
	}
	if (!isValidPriceCents(order.priceCents)) return RejectCode.INVALID_PRICE;
	if (order.postOnly === true && (timeInForce === 'IOC' || timeInForce === 'FOK')) {
		return RejectCode.INVALID_TIME_IN_FORCE;
	}
	if (timeInForce === 'GTD') {
		if (!isValidTimeMs(order.expiresAtMs)) return RejectCode.INVALID_EXPIRY;
		if (order.expiresAtMs <= order.timestampMs) return RejectCode.EXPIRED_ON_ARRIVAL;
	}
	return null;
}

export function amendProblem(command: AmendCommand): RejectCode | null {
	if (!isValidId(command.orderId)) return RejectCode.INVALID_COMMAND;
	if (command.userId !== undefined && !isValidId(command.userId)) return RejectCode.INVALID_COMMAND;
	if (!isValidTimeMs(command.timestampMs)) return RejectCode.INVALID_COMMAND;
	if (command.newQuantity === undefined && command.newPriceCents === undefined) {
		return RejectCode.NOTHING_TO_AMEND;
	}
	if (command.newQuantity !== undefined && !isValidQuantity(command.newQuantity)) {
		return RejectCode.INVALID_QUANTITY;
	}
	if (command.newPriceCents !== undefined && !isValidPriceCents(command.newPriceCents)) {
		return RejectCode.INVALID_PRICE;
	}
	return null;
}
