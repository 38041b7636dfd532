// An order as the local engine keeps it between reading and writing a batch: the database row
// plus what it holds back (reserved cash, locked shares), convertible to the API's view.
import type { EngineName, FillView, OrderStatus, OrderView, Side } from '$lib/shared/orders';
import type { OrderHold } from './money';

export interface OrderRecord extends OrderHold {
	id: string;
	userId: string;
	marketId: string;
	optionId: string;
	clientOrderId: string;
	side: Side;
	type: 'LIMIT' | 'MARKET';
	timeInForce: 'GTC' | 'IOC' | 'FOK' | 'GTD';
	postOnly: boolean;
	priceCents: number;
	quantity: number;
	filledQuantity: number;
	status: OrderStatus;
	rejectReason: string | null;
	expiresAt: Date | null;
	priority: number;
	engine: EngineName;
	createdAt: Date;
	updatedAt: Date;
	/** Not yet in the database: inserted (not updated) when the batch commits. */
	isNew: boolean;
}

export const openQuantity = (order: OrderRecord) => order.quantity - order.filledQuantity;

export const isResting = (status: OrderStatus) =>
	status === 'OPEN' || status === 'PARTIALLY_FILLED';

export function toOrderView(order: OrderRecord): OrderView {
	return {
		id: order.id,
		clientOrderId: order.clientOrderId,
		userId: order.userId,
		marketId: order.marketId,
		optionId: order.optionId,
		side: order.side,
		type: order.type,
		timeInForce: order.timeInForce,
		postOnly: order.postOnly,
		priceCents: order.priceCents,
		quantity: order.quantity,
		filledQuantity: order.filledQuantity,
		status: order.status,
		rejectReason: order.rejectReason,
		expiresAt: order.expiresAt,
		engine: order.engine,
		createdAt: order.createdAt,
		updatedAt: order.updatedAt
	};
}

export interface OrderRow {
	id: string;
	user_id: string;
	market_id: string;
	option_id: string;
	client_order_id: string;
	side: Side;
	type: 'LIMIT' | 'MARKET';
	time_in_force: 'GTC' | 'IOC' | 'FOK' | 'GTD';
	post_only: boolean;
	price_cents: number;
	quantity: number;
	filled_quantity: number;
	status: OrderStatus;
	reject_reason: string | null;
	expires_at: Date | null;
	reserved_cents: string;
	covered_quantity: number;
	priority: string;
	engine: EngineName;
	created_at: Date;
	updated_at: Date;
}

/** Columns in the order OrderRow lists them, with bigints as text for exact transport. */
export const orderColumns = `id::text, user_id, market_id, option_id, client_order_id, side, type,
	time_in_force, post_only, price_cents, quantity, filled_quantity, status, reject_reason, expires_at,
	reserved_cents::text, covered_quantity, priority::text, engine, created_at, updated_at`;

export function fromOrderRow(row: OrderRow): OrderRecord {
	return {
		id: row.id,
		userId: row.user_id,
		marketId: row.market_id,
		optionId: row.option_id,
		clientOrderId: row.client_order_id,
		side: row.side,
		type: row.type,
		timeInForce: row.time_in_force,
		postOnly: row.post_only,
		priceCents: row.price_cents,
		quantity: row.quantity,
		filledQuantity: row.filled_quantity,
		status: row.status,
		rejectReason: row.reject_reason,
		expiresAt: row.expires_at,
		reservedCents: Number(row.reserved_cents),
		coveredQuantity: row.covered_quantity,
		priority: Number(row.priority),
		engine: row.engine,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		isNew: false
	};
}

export interface TradeRecord {
	index: number;
	optionId: string;
	marketId: string;
	priceCents: number;
	quantity: number;
	makerOrderId: string;
	takerOrderId: string;
	buyerId: string;
	sellerId: string;
	takerSide: Side;
	bookSeq: number;
	engine: EngineName;
	/** Filled in from the database's sequence before writing. */
	id?: string;
}

export function fillViewsFor(orderId: string, trades: TradeRecord[]): FillView[] {
	const fills: FillView[] = [];
	for (const trade of trades) {
		if (trade.makerOrderId !== orderId && trade.takerOrderId !== orderId) continue;
		fills.push({
			tradeId: trade.id ?? '',
			orderId,
			priceCents: trade.priceCents,
			quantity: trade.quantity,
			liquidity: trade.makerOrderId === orderId ? 'MAKER' : 'TAKER'
		});
	}
	return fills;
}
