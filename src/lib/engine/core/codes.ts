// Reason codes the core (and the persistence shell around it) reports: why a command was
// rejected and why an order left the book without trading.

export const RejectCode = {
	/** The command is malformed: missing ids, a non-numeric timestamp, an unknown type. */
	INVALID_COMMAND: 'INVALID_COMMAND',
	INVALID_SIDE: 'INVALID_SIDE',
	INVALID_ORDER_TYPE: 'INVALID_ORDER_TYPE',
	/** Unknown time in force, or post-only on an order that cannot rest (MARKET, IOC, FOK). */
	INVALID_TIME_IN_FORCE: 'INVALID_TIME_IN_FORCE',
	INVALID_PRICE: 'INVALID_PRICE',
	INVALID_QUANTITY: 'INVALID_QUANTITY',
	/** A GTD order without a usable expiresAtMs. */
	INVALID_EXPIRY: 'INVALID_EXPIRY',
	/** A GTD order whose expiresAtMs <= its own timestamp. */
	EXPIRED_ON_ARRIVAL: 'EXPIRED_ON_ARRIVAL',
	/** The order id is already resting in this book. */
	DUPLICATE_ORDER_ID: 'DUPLICATE_ORDER_ID',
	/** No resting order with that id (never seen, already filled, cancelled or expired). */
	UNKNOWN_ORDER: 'UNKNOWN_ORDER',
	/** An amend that names neither a new quantity nor a new price. */
	NOTHING_TO_AMEND: 'NOTHING_TO_AMEND',
	POST_ONLY_WOULD_CROSS: 'POST_ONLY_WOULD_CROSS',
	FOK_NOT_FILLED: 'FOK_NOT_FILLED',
	/** restore() of an order that would cross the book: the persisted state is inconsistent. */
	WOULD_CROSS: 'WOULD_CROSS',
	/** Decided by the persistence shell (reserves), never by the core. */
	INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
	/** Decided by the persistence shell (market status), never by the core. */
	MARKET_NOT_OPEN: 'MARKET_NOT_OPEN'
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

export const CancelReason = {
	/** A cancel or cancelAll command. */
	USER: 'USER',
	/** The unfilled rest of an IOC or MARKET order. */
	IOC_REMAINDER: 'IOC_REMAINDER',
	/** A resting order met an incoming order of the same user. */
	SELF_TRADE: 'SELF_TRADE',
	/** cancelAll sent by the shell when the market closes. */
	MARKET_CLOSED: 'MARKET_CLOSED',
	/** cancelAll sent by support staff. */
	ADMIN: 'ADMIN'
} as const;
export type CancelReason = (typeof CancelReason)[keyof typeof CancelReason];
