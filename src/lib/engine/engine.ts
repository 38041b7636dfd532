// The one interface both engines implement (the strategy): the routers see only this, and
// the contract suite holds every implementation to it.
import type {
	AmendOrderInput,
	EngineName,
	FillView,
	OrderView,
	PlaceOrderInput
} from '$lib/shared/orders';

export type EngineErrorCode =
	| 'MARKET_NOT_FOUND'
	| 'UNKNOWN_OPTION'
	| 'UNKNOWN_ORDER'
	| 'MARKET_NOT_OPEN'
	| 'INSUFFICIENT_FUNDS'
	| 'ORDER_NOT_AMENDABLE'
	| 'NOTHING_TO_AMEND'
	| 'POST_ONLY_WOULD_CROSS'
	| 'CLIENT_ORDER_ID_IN_USE';

export type EngineResult<T> =
	{ ok: true; value: T } | { ok: false; code: EngineErrorCode; message: string };

export interface OrderOutcome {
	order: OrderView;
	/** The fills this call made for the order (not earlier ones). */
	fills: FillView[];
	/** True when the clientOrderId was already used: `order` is the earlier order, unchanged. */
	duplicate: boolean;
}

export interface BookLevelView {
	priceCents: number;
	quantity: number;
	orders: number;
}

export interface OrderBookView {
	optionId: string;
	seq: string;
	bids: BookLevelView[];
	asks: BookLevelView[];
	lastPriceCents: number | null;
}

export interface PositionView {
	optionId: string;
	marketId: string;
	quantity: number;
	costBasisCents: number;
	realizedPnlCents: number;
	lockedQuantity: number;
}

export interface EngineHealth {
	status: 'healthy' | 'unhealthy';
	database: 'connected' | 'disconnected';
	timestamp: string;
	version: string;
}

export interface TradingEngine {
	readonly name: EngineName;
	place(userId: string, input: PlaceOrderInput): Promise<EngineResult<OrderOutcome>>;
	/** Places up to 20 orders; each is accepted or rejected on its own, results in input order. */
	placeBatch(userId: string, inputs: PlaceOrderInput[]): Promise<EngineResult<OrderOutcome>[]>;
	amend(userId: string, input: AmendOrderInput): Promise<EngineResult<OrderOutcome>>;
	cancel(userId: string, orderId: string): Promise<EngineResult<OrderView>>;
	/** Cancels the user's resting orders, in one market or everywhere; returns those cancelled. */
	cancelAll(userId: string, scope?: { marketId?: string }): Promise<OrderView[]>;
	getOrderBook(optionId: string, depth?: number): Promise<EngineResult<OrderBookView>>;
	getPositions(userId: string): Promise<PositionView[]>;
	health(): Promise<EngineHealth>;
}

/**
 * Thrown (never returned) when an engine could not answer: a timeout, a refused or dropped
 * connection, a 5xx, a malformed answer or an open breaker. The outcome of the call is unknown,
 * so the engine router retries it on the local engine with the same clientOrderId.
 */
export class EngineUnavailableError extends Error {
	override readonly name = 'EngineUnavailableError';
	constructor(
		readonly reason: 'timeout' | 'connection' | 'server-error' | 'malformed' | 'breaker-open',
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
	}
}
