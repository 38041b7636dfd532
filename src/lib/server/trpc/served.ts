// Calls the trading engines for a procedure through the engine router: logs one line per call
// with the engine that served it, whether it fell back, and its latency, and gives back the
// result with the `engine`, `fallback` and `latencyMs` every engine-served response carries.
// Engine failures become tRPC errors here, once.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { EngineResult } from '$lib/engine/engine';
import {
	EngineCallError,
	type EngineRouter,
	type OrderTarget,
	type Routed
} from '$lib/engine/router';
import type { EngineTarget } from '$lib/server/flags/choice';
import { EngineName } from '$lib/shared/orders';
import type { Context } from './context';
import { domainError } from './errors';

export const servedBy = z.strictObject({
	engine: EngineName,
	fallback: z.boolean(),
	latencyMs: z.number().nonnegative()
});
export type ServedBy = z.infer<typeof servedBy>;

type EngineContext = Pick<Context, 'engines' | 'logEngineCall' | 'user'>;

/** Runs `call` on the context's engine router; the value comes back with who served it. */
export async function callEngine<T>(
	ctx: EngineContext,
	operation: string,
	call: (engines: EngineRouter) => Promise<Routed<T>>,
	succeeded: (value: T) => boolean = () => true
): Promise<{ value: T; served: ServedBy }> {
	const started = performance.now();
	let served: ServedBy | null = null;
	let ok = false;
	try {
		const routed = await call(ctx.engines);
		served = routed.served;
		ok = succeeded(routed.value);
		return { value: routed.value, served };
	} catch (error) {
		if (error instanceof EngineCallError) served = error.served;
		throw error;
	} finally {
		ctx.logEngineCall({
			// A call that failed before any engine was chosen (the flags could not be read) is
			// logged against the local engine, which is where it would have gone.
			engine: served?.engine ?? 'local',
			fallback: served?.fallback ?? false,
			operation,
			latencyMs: served?.latencyMs ?? performance.now() - started,
			ok,
			userId: ctx.user?.id ?? null
		});
	}
}

/** Like callEngine for an EngineResult: a failure is thrown as its domain error. */
export async function callEngineOrThrow<T>(
	ctx: EngineContext,
	operation: string,
	call: (engines: EngineRouter) => Promise<Routed<EngineResult<T>>>
): Promise<{ value: T; served: ServedBy }> {
	const { value: result, served } = await callEngine(ctx, operation, call, (r) => r.ok);
	if (!result.ok) throw domainError(result.code, result.message);
	return { value: result.value, served };
}

/**
 * The engine target of a call on the user's order: its market, so that a market's flag routes
 * the amends and cancels of its orders too. An order the user does not have gets no market (the
 * engine then answers UNKNOWN_ORDER).
 */
export async function orderTarget(
	ctx: Pick<Context, 'db'>,
	userId: string,
	orderId: string
): Promise<OrderTarget> {
	const markets = await marketsOfOrders(ctx, userId, [orderId]);
	return { userId, marketId: markets.get(orderId) ?? null };
}

/** The markets of the user's orders among `orderIds`, in one query. */
export async function marketsOfOrders(
	ctx: Pick<Context, 'db'>,
	userId: string,
	orderIds: string[]
): Promise<Map<string, string>> {
	const { rows } = await ctx.db.pool.query<{ id: string; market_id: string }>(
		'SELECT id::text, market_id FROM orders WHERE id = ANY($1::bigint[]) AND user_id = $2',
		[orderIds, userId]
	);
	return new Map(rows.map((row) => [row.id, row.market_id]));
}

const OPTION_CACHE_LIMIT = 10_000;
const marketByOption = new Map<string, string>();

/**
 * The engine target of a read of one option's book: the option's market (options never move
 * between markets, so the answer is cached), for the signed-in user if there is one.
 */
export async function bookTarget(
	ctx: Pick<Context, 'db' | 'user'>,
	optionId: string
): Promise<EngineTarget> {
	let marketId = marketByOption.get(optionId) ?? null;
	if (marketId === null) {
		const { rows } = await ctx.db.pool.query<{ market_id: string }>(
			'SELECT market_id FROM market_options WHERE id = $1::uuid',
			[optionId]
		);
		marketId = rows[0]?.market_id ?? null;
		if (marketId !== null) {
			if (marketByOption.size >= OPTION_CACHE_LIMIT) marketByOption.clear();
			marketByOption.set(optionId, marketId);
		}
	}
	return { userId: ctx.user?.id ?? null, marketId };
}

/** Counts order entries against the user's rate limit; over it, TOO_MANY_REQUESTS. */
export async function limitOrderEntry(
	ctx: Pick<Context, 'orderEntryLimiter'>,
	userId: string,
	orders = 1
): Promise<void> {
	const retryAfterMs = await ctx.orderEntryLimiter.consume(userId, orders);
	if (retryAfterMs > 0) {
		throw domainError(
			'RATE_LIMITED',
			`Too many orders: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
			{ retryAfterMs }
		);
	}
}
