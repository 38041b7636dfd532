// The matching core's public surface: one order book per option, its commands, events,
// codes and views. Re-exports only.

export { OrderBook } from './order-book';
export type { OrderBookOptions, RestoreResult } from './order-book';
export { RejectCode, CancelReason } from './codes';
export type * from './events';
export {
	Side,
	OrderType,
	TimeInForce,
	MIN_PRICE_CENTS,
	MAX_PRICE_CENTS,
	MAX_QUANTITY
} from './types';
export type {
	PlaceOrder,
	PlaceCommand,
	AmendCommand,
	CancelCommand,
	CancelAllCommand,
	ExpireCommand,
	Command,
	RestingOrder,
	RestoredOrder,
	BookLevel,
	BookSnapshot
} from './types';
