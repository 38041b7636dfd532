// The engine service's wire format, defined once: what the app may send to a remote engine and
// what it answers, checked by the service on the way in and by RemoteEngine on the way back.
import { z } from 'zod';
import { priceCents } from '$lib/shared/markets';
import {
	AmendOrderInput,
	FillView,
	OrderView,
	PlaceOrderInput,
	quantity
} from '$lib/shared/orders';
import type { EngineErrorCode } from './engine';

export const API_PREFIX = '/api/v1';
export const MAX_BATCH_ORDERS = 20;
/** Largest request body the service reads; a batch of 20 orders is about 6 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Dates travel as ISO-8601 strings and are Dates on either side. */
export const isoDateTime = z.codec(z.iso.datetime({ offset: true }), z.date(), {
	decode: (text) => new Date(text),
	encode: (date) => date.toISOString()
});

const userId = z.uuid();

// ---- Envelope ----

export const ErrorBody = z.strictObject({ code: z.string().min(1), message: z.string() });

export const Envelope = z.discriminatedUnion('success', [
	z.object({ success: z.literal(true), data: z.unknown() }),
	z.object({ success: z.literal(false), error: ErrorBody })
]);
export type Envelope = z.infer<typeof Envelope>;

const engineErrorCodes = [
	'MARKET_NOT_FOUND',
	'UNKNOWN_OPTION',
	'UNKNOWN_ORDER',
	'MARKET_NOT_OPEN',
	'INSUFFICIENT_FUNDS',
	'ORDER_NOT_AMENDABLE',
	'NOTHING_TO_AMEND',
	'POST_ONLY_WOULD_CROSS',
	'CLIENT_ORDER_ID_IN_USE'
] as const satisfies readonly EngineErrorCode[];
export const EngineErrorCodeWire = z.enum(engineErrorCodes);
// Fails to compile when engine.ts gains a code this list lacks.
const everyCodeListed: Exclude<EngineErrorCode, (typeof engineErrorCodes)[number]> extends never
	? true
	: never = true;
void everyCodeListed;

/** The HTTP status a domain failure is answered with (and recognised by). */
export function statusOfEngineError(code: EngineErrorCode): number {
	switch (code) {
		case 'MARKET_NOT_FOUND':
		case 'UNKNOWN_OPTION':
		case 'UNKNOWN_ORDER':
			return 404;
		case 'CLIENT_ORDER_ID_IN_USE':
			return 409;
		default:
			return 422;
	}
}

/** Codes of failures that are not the engine's domain answers. */
export const ProtocolErrorCode = {
	VALIDATION_FAILED: 'VALIDATION_FAILED',
	UNAUTHORIZED: 'UNAUTHORIZED',
	NOT_FOUND: 'NOT_FOUND',
	METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
	PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
	UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
	INTERNAL_ERROR: 'INTERNAL_ERROR',
	UNAVAILABLE: 'UNAVAILABLE'
} as const;

// ---- Requests ----

/** POST /orders: an order for the user the app names (the app is the trusted caller). */
export const PlaceOrderRequest = PlaceOrderInput.safeExtend({
	userId,
	expiresAt: isoDateTime.optional()
});
export type PlaceOrderRequest = z.input<typeof PlaceOrderRequest>;

/** POST /orders/batch: up to 20 orders of one user, each accepted or refused on its own. */
export const PlaceBatchRequest = z.strictObject({
	userId,
	orders: z
		.array(PlaceOrderInput.safeExtend({ expiresAt: isoDateTime.optional() }))
		.min(1)
		.max(MAX_BATCH_ORDERS)
});

/** PATCH /orders/{id}: the order id is in the path. */
export const AmendOrderRequest = z
	.strictObject({ userId, quantity: quantity.optional(), priceCents: priceCents.optional() })
	.refine((amend) => amend.quantity !== undefined || amend.priceCents !== undefined, {
		message: 'give a new quantity or a new price',
		path: ['quantity']
	});

export const OrderIdParam = AmendOrderInput.shape.orderId;

/** DELETE /orders/{id}?userId= */
export const CancelOrderQuery = z.strictObject({ userId });

/** POST /orders/cancel-all: the user's resting orders in one market, or everywhere. */
export const CancelAllRequest = z.strictObject({ userId, marketId: z.uuid().optional() });

export const OrderBookQuery = z.strictObject({
	depth: z.coerce
		.number({ error: 'expected a whole number' })
		.int({ error: 'expected a whole number' })
		.min(1)
		.max(99)
		.optional()
});

export const BookPathParams = z.strictObject({ marketId: z.uuid(), optionId: z.uuid() });
export const UserPathParams = z.strictObject({ userId });

// ---- Responses (the `data` of a successful envelope) ----

export const OrderViewWire = OrderView.extend({
	expiresAt: isoDateTime.nullable(),
	createdAt: isoDateTime,
	updatedAt: isoDateTime
});

export const OrderOutcomeWire = z.strictObject({
	order: OrderViewWire,
	fills: z.array(FillView),
	duplicate: z.boolean()
});

export const PlaceBatchResponse = z.strictObject({
	results: z.array(
		z.discriminatedUnion('ok', [
			z.strictObject({ ok: z.literal(true), value: OrderOutcomeWire }),
			z.strictObject({ ok: z.literal(false), code: EngineErrorCodeWire, message: z.string() })
		])
	)
});

export const CancelAllResponse = z.strictObject({ cancelled: z.array(OrderViewWire) });

const BookLevelWire = z.strictObject({
	priceCents,
	quantity: z.number().int().positive(),
	orders: z.number().int().positive()
});

export const OrderBookWire = z.strictObject({
	optionId: z.uuid(),
	seq: z.string().regex(/^\d+$/),
	bids: z.array(BookLevelWire),
	asks: z.array(BookLevelWire),
	lastPriceCents: priceCents.nullable()
});

export const PositionWire = z.strictObject({
	optionId: z.uuid(),
	marketId: z.uuid(),
	quantity: z.number().int(),
	costBasisCents: z.number().int(),
	realizedPnlCents: z.number().int(),
	lockedQuantity: z.number().int().nonnegative()
});
export const PositionsResponse = z.array(PositionWire);

/** GET /health: the seed document's body; another engine may add fields of its own. */
export const HealthWire = z.object({
	status: z.enum(['healthy', 'unhealthy']),
	database: z.enum(['connected', 'disconnected']),
	timestamp: z.iso.datetime({ offset: true }),
	version: z.string()
});

// ---- WebSocket /ws ----

export const WS_PATH = '/ws';

export const SubscriptionChannel = z.enum(['orderbook', 'price', 'match']);
export type SubscriptionChannel = z.infer<typeof SubscriptionChannel>;

/** What a client sends: subscribe to one option's channel, or to every option of the market. */
export const ClientMessage = z.strictObject({
	type: z.enum(['subscribe', 'unsubscribe']),
	channel: SubscriptionChannel,
	marketId: z.uuid(),
	optionId: z.uuid().optional()
});
export type ClientMessage = z.infer<typeof ClientMessage>;

const BookLevelChange = z.strictObject({
	side: z.enum(['BUY', 'SELL']),
	priceCents,
	/** The level's whole resting quantity after the change; 0 when it emptied. */
	quantity: z.number().int().nonnegative(),
	orders: z.number().int().nonnegative()
});

export const OrderBookUpdate = z.strictObject({
	marketId: z.uuid(),
	optionId: z.uuid(),
	seq: z.string(),
	levels: z.array(BookLevelChange)
});

export const PriceUpdate = z.strictObject({
	marketId: z.uuid(),
	optionId: z.uuid(),
	priceCents,
	quantity: z.number().int().positive()
});

export const MatchUpdate = z.strictObject({
	marketId: z.uuid(),
	optionId: z.uuid(),
	tradeId: z.string(),
	priceCents,
	quantity: z.number().int().positive(),
	takerSide: z.enum(['BUY', 'SELL']),
	/** When the trade was made: its `createdAt` as the exchange's trades list it. */
	executedAt: z.iso.datetime({ offset: true })
});

/** Which options a subscribe or unsubscribe covered (every option of the market when none was named). */
const SubscriptionAnswer = z.strictObject({
	channel: SubscriptionChannel,
	marketId: z.uuid(),
	optionIds: z.array(z.uuid())
});

/** What the server sends: updates, and an answer to each subscribe/unsubscribe. */
export const ServerMessage = z.discriminatedUnion('event', [
	z.strictObject({ event: z.literal('orderbook:update'), data: OrderBookUpdate }),
	z.strictObject({ event: z.literal('price:update'), data: PriceUpdate }),
	z.strictObject({ event: z.literal('match:update'), data: MatchUpdate }),
	z.strictObject({ event: z.literal('subscribed'), data: SubscriptionAnswer }),
	z.strictObject({ event: z.literal('unsubscribed'), data: SubscriptionAnswer }),
	z.strictObject({ event: z.literal('error'), data: ErrorBody })
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** "path.to.field: what is wrong" for each problem, so a 400 names the field. */
export function describeIssues(error: z.ZodError): string {
	return error.issues
		.map((issue) => {
			if (issue.code === 'unrecognized_keys') {
				return issue.keys
					.map((key) => `${[...issue.path, key].join('.')}: unknown field`)
					.join('; ');
			}
			const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
			return `${path}: ${issue.message}`;
		})
		.join('; ');
}
