// The engine service's REST routes (the seed's contract plus batch, amend, cancel and
// cancel-all): each validates its input with the wire schemas and calls the engine.
import type { IncomingMessage } from 'node:http';
import type { EngineResult, TradingEngine } from '$lib/engine/engine';
import {
	AmendOrderRequest,
	API_PREFIX,
	BookPathParams,
	CancelAllRequest,
	CancelOrderQuery,
	OrderBookQuery,
	OrderBookWire,
	OrderIdParam,
	OrderOutcomeWire,
	OrderViewWire,
	PlaceBatchRequest,
	PlaceBatchResponse,
	PlaceOrderRequest,
	PositionsResponse,
	statusOfEngineError,
	UserPathParams
} from '$lib/engine/wire';
import { z } from 'zod';
import { HttpError, readJsonBody, validate } from './http';

export interface RouteContext {
	req: IncomingMessage;
	params: Record<string, string>;
	query: URLSearchParams;
}

export interface RouteAnswer {
	status: number;
	data: unknown;
}

export interface Route {
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
	pattern: RegExp;
	/** False only for the health check, which load balancers call without a token. */
	authorized: boolean;
	handle(context: RouteContext): Promise<RouteAnswer>;
}

export interface RouteDependencies {
	engine: TradingEngine;
	/** The market an option belongs to, or null when there is no such option. */
	marketOfOption(optionId: string): Promise<string | null>;
}

const ok = (data: unknown): RouteAnswer => ({ status: 200, data });

/** Encodes a successful result for the wire; a domain failure becomes its 4xx. */
function answer<S extends z.ZodType>(result: EngineResult<z.output<S>>, schema: S): RouteAnswer {
	if (!result.ok)
		throw new HttpError(statusOfEngineError(result.code), result.code, result.message);
	return ok(z.encode(schema, result.value));
}

function queryObject(query: URLSearchParams): Record<string, string> {
	return Object.fromEntries(query.entries());
}

const path = (template: string) =>
	new RegExp(
		`^${template.replace(/\{(\w+)\}/g, (_match, name: string) => `(?<${name}>[^/]+)`)}/?$`
	);

export function engineRoutes({ engine, marketOfOption }: RouteDependencies): Route[] {
	return [
		{
			method: 'GET',
			pattern: path('/health'),
			authorized: false,
			async handle() {
				const health = await engine.health();
				return { status: health.status === 'healthy' ? 200 : 503, data: health };
			}
		},
		{
			method: 'POST',
			pattern: path(`${API_PREFIX}/orders`),
			authorized: true,
			async handle({ req }) {
				const { userId, ...order } = validate(PlaceOrderRequest, await readJsonBody(req));
				return answer(await engine.place(userId, order), OrderOutcomeWire);
			}
		},
		{
			method: 'POST',
			pattern: path(`${API_PREFIX}/orders/batch`),
			authorized: true,
			async handle({ req }) {
				const { userId, orders } = validate(PlaceBatchRequest, await readJsonBody(req));
				const results = await engine.placeBatch(userId, orders);
				return ok(z.encode(PlaceBatchResponse, { results }));
			}
		},
		{
			method: 'POST',
			pattern: path(`${API_PREFIX}/orders/cancel-all`),
			authorized: true,
			async handle({ req }) {
				const { userId, marketId } = validate(CancelAllRequest, await readJsonBody(req));
				const cancelled = await engine.cancelAll(userId, marketId ? { marketId } : {});
				return ok({ cancelled: cancelled.map((order) => z.encode(OrderViewWire, order)) });
			}
		},
		{
			method: 'PATCH',
			pattern: path(`${API_PREFIX}/orders/{orderId}`),
			authorized: true,
			async handle({ req, params }) {
				const orderId = validate(OrderIdParam, params.orderId);
				const { userId, ...change } = validate(AmendOrderRequest, await readJsonBody(req));
				return answer(await engine.amend(userId, { orderId, ...change }), OrderOutcomeWire);
			}
		},
		{
			method: 'DELETE',
			pattern: path(`${API_PREFIX}/orders/{orderId}`),
			authorized: true,
			async handle({ params, query }) {
				const orderId = validate(OrderIdParam, params.orderId);
				const { userId } = validate(CancelOrderQuery, queryObject(query));
				return answer(await engine.cancel(userId, orderId), OrderViewWire);
			}
		},
		{
			method: 'GET',
			pattern: path(`${API_PREFIX}/markets/{marketId}/options/{optionId}/orderbook`),
			authorized: true,
			async handle({ params, query }) {
				const { marketId, optionId } = validate(BookPathParams, params);
				const { depth } = validate(OrderBookQuery, queryObject(query));
				if ((await marketOfOption(optionId)) !== marketId) {
					throw new HttpError(
						404,
						'UNKNOWN_OPTION',
						`Market ${marketId} has no option ${optionId}`
					);
				}
				return answer(await engine.getOrderBook(optionId, depth), OrderBookWire);
			}
		},
		{
			method: 'GET',
			pattern: path(`${API_PREFIX}/users/{userId}/positions`),
			authorized: true,
			async handle({ params }) {
				const { userId } = validate(UserPathParams, params);
				return ok(z.encode(PositionsResponse, await engine.getPositions(userId)));
			}
		}
	];
}
