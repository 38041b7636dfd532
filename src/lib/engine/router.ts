// The engine router: asks the flags which engine serves a (user, market), calls the remote engine
// through its breaker, and serves the call on the local engine when the remote cannot answer.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EngineResolver, EngineTarget } from '$lib/server/flags/choice';
import type { AmendOrderInput, EngineName, OrderView, PlaceOrderInput } from '$lib/shared/orders';
import { EngineBreaker, type BreakerSettings, type BreakerState } from './breaker';
import {
	EngineUnavailableError,
	type EngineErrorCode,
	type EngineHealth,
	type EngineResult,
	type OrderBookView,
	type OrderOutcome,
	type PositionView,
	type TradingEngine
} from './engine';
import type { OrderLookup } from './order-lookup';

export type EngineOperation =
	'place' | 'placeBatch' | 'amend' | 'cancel' | 'cancelAll' | 'getOrderBook' | 'getPositions';

export type UnavailableReason = EngineUnavailableError['reason'];

/** Who served a call, whether it fell back, and how long the whole call took. */
export interface Served {
	engine: EngineName;
	fallback: boolean;
	latencyMs: number;
}

export interface Routed<T> {
	value: T;
	served: Served;
}

/** One call to one engine, as the metrics see it. */
export interface EngineAttempt {
	engine: EngineName;
	operation: EngineOperation;
	/**
	 * 'ok': answered; 'refused': answered with a domain failure; 'unavailable': could not answer
	 * (EngineUnavailableError, an open breaker included); 'error': threw anything else.
	 */
	outcome: 'ok' | 'refused' | 'unavailable' | 'error';
	reason: UnavailableReason | null;
	/** Null when no call went out (the breaker was open). */
	latencyMs: number | null;
	/** True when this engine served a call that the other could not. */
	asFallback: boolean;
}

export interface EngineObserver {
	attempt(attempt: EngineAttempt): void;
	/** A call `from` could not serve, served by the other engine. */
	fallback(fallback: {
		from: EngineName;
		operation: EngineOperation;
		reason: UnavailableReason;
	}): void;
	breakerChanged(state: BreakerState): void;
}

export type EngineHealthReport =
	| { engine: EngineName; reachable: true; health: EngineHealth; latencyMs: number }
	| { engine: EngineName; reachable: false; reason: string; latencyMs: number };

/** Thrown when the engine that had to serve a call failed: says which one, and keeps the cause. */
export class EngineCallError extends Error {
	override readonly name = 'EngineCallError';
	constructor(
		readonly served: Served,
		options: { cause: unknown }
	) {
		super(
			`The ${served.engine} engine failed${served.fallback ? ' (as fallback)' : ''}: ${
				options.cause instanceof Error ? options.cause.message : String(options.cause)
			}`,
			options
		);
	}
}

export interface EngineRouterOptions {
	local: TradingEngine;
	remote: TradingEngine;
	resolver: EngineResolver;
	breaker: BreakerSettings;
	/** Reads what a remote call of unknown outcome left in the database. */
	orders: OrderLookup;
	observer?: EngineObserver;
}

/** An order call's target: the trader, and the order's market when it is known. */
export interface OrderTarget {
	userId: string;
	marketId: string | null;
}

/**
 * How far the remote engine's clock may be behind ours when we ask "did it commit this after our
 * call began?" (both write their own timestamps into the shared database).
 */
const CLOCK_SKEW_MS = 1_000;

/** A clientOrderId the app made: `bw-` and a uuid, never the local engine's `bw-<order id>`. */
export const appClientOrderId = () => `bw-${randomUUID()}`;

type Recover<T> = (value: T, remoteCallStartedAt: Date) => Promise<T>;

interface CallPlan<T> {
	operation: EngineOperation;
	call: (engine: TradingEngine) => Promise<T>;
	/** Whether the answer is a domain refusal (counted apart from successes). */
	refused?: (value: T) => boolean;
	/** After a remote call of unknown outcome, turns the local engine's answer into the true one. */
	recover?: Recover<T>;
}

export class EngineRouter {
	readonly breaker: EngineBreaker;
	private readonly local: TradingEngine;
	private readonly remote: TradingEngine;
	private readonly resolver: EngineResolver;
	private readonly orders: OrderLookup;
	private readonly observer: EngineObserver | undefined;

	constructor(options: EngineRouterOptions) {
		this.local = options.local;
		this.remote = options.remote;
		this.resolver = options.resolver;
		this.orders = options.orders;
		this.observer = options.observer;
		this.breaker = new EngineBreaker(options.breaker, options.remote.name);
		this.observer?.breakerChanged(this.breaker.state);
		this.breaker.onChange((state) => this.observer?.breakerChanged(state));
	}

	get breakerState(): BreakerState {
		return this.breaker.state;
	}

	async place(userId: string, input: PlaceOrderInput): Promise<Routed<EngineResult<OrderOutcome>>> {
		const started = performance.now();
		const { engine } = await this.resolver.resolve({ userId, marketId: input.marketId });
		const { inputs, madeIds } = this.withClientOrderIds(engine, [input]);
		const recover = this.recoverPlaced(userId, madeIds);
		return this.routeTo(engine, started, {
			operation: 'place',
			call: (e) => e.place(userId, inputs[0]!),
			refused: (result) => !result.ok,
			recover: async (result, since) => (await recover([result], since))[0]!
		});
	}

	/**
	 * Places the orders of each engine's markets on that engine, together; results in input order.
	 * The batch is reported as served by the remote only if all of it was, and as a fallback if
	 * any part fell back (each order's own `engine` says which engine recorded it).
	 */
	async placeBatch(
		userId: string,
		inputs: PlaceOrderInput[]
	): Promise<Routed<EngineResult<OrderOutcome>[]>> {
		const started = performance.now();
		const markets = [...new Set(inputs.map((input) => input.marketId))];
		const engineOf = new Map(
			await Promise.all(
				markets.map(
					async (marketId) =>
						[marketId, (await this.resolver.resolve({ userId, marketId })).engine] as const
				)
			)
		);
		const groups = new Map<EngineName, number[]>();
		inputs.forEach((input, index) => {
			const engine = engineOf.get(input.marketId)!;
			groups.set(engine, [...(groups.get(engine) ?? []), index]);
		});
		const results = new Array<EngineResult<OrderOutcome>>(inputs.length);
		const parts = await Promise.all(
			[...groups].map(async ([engine, indexes]) => {
				const prepared = this.withClientOrderIds(
					engine,
					indexes.map((index) => inputs[index]!)
				);
				const routed = await this.routeTo(engine, started, {
					operation: 'placeBatch',
					call: (e) => e.placeBatch(userId, prepared.inputs),
					recover: this.recoverPlaced(userId, prepared.madeIds)
				});
				indexes.forEach((index, i) => (results[index] = routed.value[i]!));
				return routed.served;
			})
		);
		return {
			value: results,
			served: {
				engine: parts.every((part) => part.engine === 'remote') ? 'remote' : 'local',
				fallback: parts.some((part) => part.fallback),
				latencyMs: performance.now() - started
			}
		};
	}

	async amend(
		target: OrderTarget,
		input: AmendOrderInput
	): Promise<Routed<EngineResult<OrderOutcome>>> {
		return this.route(target, {
			operation: 'amend',
			call: (e) => e.amend(target.userId, input),
			refused: (result) => !result.ok,
			recover: async (result) => {
				if (result.ok || !AMEND_REFUSALS_AFTER_COMMIT.includes(result.code)) return result;
				// The remote may have amended it already: if the order now is what was asked for,
				// that is the answer (its fills, if the new price traded, are in orders.get).
				const order = await this.orders.order(target.userId, input.orderId);
				const asked =
					order !== null &&
					!['CANCELLED', 'EXPIRED', 'REJECTED'].includes(order.status) &&
					(input.priceCents === undefined || order.priceCents === input.priceCents) &&
					(input.quantity === undefined || order.quantity === input.quantity);
				return asked ? { ok: true, value: { order, fills: [], duplicate: false } } : result;
			}
		});
	}

	async cancel(target: OrderTarget, orderId: string): Promise<Routed<EngineResult<OrderView>>> {
		return this.route(target, {
			operation: 'cancel',
			call: (e) => e.cancel(target.userId, orderId),
			refused: (result) => !result.ok,
			recover: async (result) => {
				if (result.ok || result.code !== 'UNKNOWN_ORDER') return result;
				// No longer open: if the remote cancelled it, the cancel succeeded.
				const order = await this.orders.order(target.userId, orderId);
				return order?.status === 'CANCELLED' ? { ok: true, value: order } : result;
			}
		});
	}

	async cancelAll(userId: string, scope: { marketId?: string } = {}): Promise<Routed<OrderView[]>> {
		const marketId = scope.marketId ?? null;
		return this.route(
			{ userId, marketId },
			{
				operation: 'cancelAll',
				call: (e) => e.cancelAll(userId, scope),
				recover: async (cancelled, since) => {
					// What the remote cancelled before it stopped answering is no longer resting, so
					// the local engine does not list it: add what was cancelled since the call began.
					const seen = new Set(cancelled.map((order) => order.id));
					const earlier = await this.orders.cancelledSince(userId, marketId, since);
					return [...earlier.filter((order) => !seen.has(order.id)), ...cancelled];
				}
			}
		);
	}

	async getOrderBook(
		target: EngineTarget,
		optionId: string,
		depth?: number
	): Promise<Routed<EngineResult<OrderBookView>>> {
		return this.route(target, {
			operation: 'getOrderBook',
			call: (e) => e.getOrderBook(optionId, depth),
			refused: (result) => !result.ok
		});
	}

	async getPositions(userId: string): Promise<Routed<PositionView[]>> {
		return this.route(
			{ userId, marketId: null },
			{ operation: 'getPositions', call: (e) => e.getPositions(userId) }
		);
	}

	/** Both engines' health, asked directly (not through the breaker); never throws. */
	async health(): Promise<{ local: EngineHealthReport; remote: EngineHealthReport }> {
		const [local, remote] = await Promise.all([healthOf(this.local), healthOf(this.remote)]);
		return { local, remote };
	}

	/** Stops the breaker's timers. */
	close(): void {
		this.breaker.shutdown();
	}

	private async route<T>(target: EngineTarget, plan: CallPlan<T>): Promise<Routed<T>> {
		const started = performance.now();
		const { engine } = await this.resolver.resolve(target);
		return this.routeTo(engine, started, plan);
	}

	private async routeTo<T>(
		engine: EngineName,
		started: number,
		plan: CallPlan<T>
	): Promise<Routed<T>> {
		const served = (name: EngineName, fallback: boolean): Served => ({
			engine: name,
			fallback,
			latencyMs: performance.now() - started
		});
		if (engine === 'local') {
			try {
				return {
					value: await this.attempt(this.local, plan, false),
					served: served('local', false)
				};
			} catch (error) {
				throw new EngineCallError(served('local', false), { cause: error });
			}
		}

		const remoteCallStartedAt = new Date(Date.now() - CLOCK_SKEW_MS);
		let reason: UnavailableReason;
		try {
			const value = await this.breaker.run(() => this.attempt(this.remote, plan, false));
			return { value, served: served('remote', false) };
		} catch (error) {
			if (!(error instanceof EngineUnavailableError)) {
				throw new EngineCallError(served('remote', false), { cause: error });
			}
			reason = error.reason;
		}
		if (reason === 'breaker-open') {
			this.observer?.attempt({
				engine: 'remote',
				operation: plan.operation,
				outcome: 'unavailable',
				reason,
				latencyMs: null,
				asFallback: false
			});
		}
		this.observer?.fallback({ from: 'remote', operation: plan.operation, reason });
		try {
			let value = await this.attempt(this.local, plan, true);
			// With the breaker open no call went out, so there is nothing the remote could have done.
			if (plan.recover && reason !== 'breaker-open') {
				value = await plan.recover(value, remoteCallStartedAt);
			}
			return { value, served: served('local', true) };
		} catch (error) {
			throw new EngineCallError(served('local', true), { cause: error });
		}
	}

	/** One call on one engine, timed and reported to the observer. */
	private async attempt<T>(engine: TradingEngine, plan: CallPlan<T>, asFallback: boolean) {
		const started = performance.now();
		const report = (outcome: EngineAttempt['outcome'], reason: UnavailableReason | null) =>
			this.observer?.attempt({
				engine: engine.name,
				operation: plan.operation,
				outcome,
				reason,
				latencyMs: performance.now() - started,
				asFallback
			});
		try {
			const value = await plan.call(engine);
			report(plan.refused?.(value) ? 'refused' : 'ok', null);
			return value;
		} catch (error) {
			if (error instanceof EngineUnavailableError) report('unavailable', error.reason);
			else report('error', null);
			throw error;
		}
	}

	/**
	 * Orders bound for the remote engine get a clientOrderId before the first attempt when the
	 * caller gave none: if the remote's answer is lost, the local engine retries under the same id
	 * and so finds the order the remote committed instead of placing a second one. The local
	 * engine's own attempts need none (its failures roll back), and names its orders itself.
	 */
	private withClientOrderIds(engine: EngineName, inputs: PlaceOrderInput[]) {
		if (engine === 'local') return { inputs, madeIds: new Set<string>() };
		const madeIds = new Set<string>();
		const prepared = inputs.map((input) => {
			if (input.clientOrderId !== undefined) return input;
			const clientOrderId = appClientOrderId();
			madeIds.add(clientOrderId);
			return { ...input, clientOrderId };
		});
		return { inputs: prepared, madeIds };
	}

	/**
	 * After a remote call of unknown outcome, an order the local engine "finds" under the same
	 * clientOrderId is the one the remote placed in this very call, not an earlier order the trader
	 * sent twice: it is answered as placed (duplicate: false) with the fills it took. An id the app
	 * made is certainly this call's; one the trader gave is if the remote recorded it since.
	 */
	private recoverPlaced(
		userId: string,
		madeIds: Set<string>
	): Recover<EngineResult<OrderOutcome>[]> {
		return (results, since) =>
			Promise.all(
				results.map(async (result) => {
					if (!result.ok || !result.value.duplicate) return result;
					const { order } = result.value;
					const placedByThisCall =
						madeIds.has(order.clientOrderId) ||
						(order.engine === 'remote' && order.userId === userId && order.createdAt >= since);
					if (!placedByThisCall) return result;
					const fills = await this.orders.takerFills(order.id);
					return { ok: true as const, value: { order, fills, duplicate: false } };
				})
			);
	}
}

/** The local engine's answers to an amend the remote may already have made. */
const AMEND_REFUSALS_AFTER_COMMIT: EngineErrorCode[] = [
	'NOTHING_TO_AMEND',
	'UNKNOWN_ORDER',
	'ORDER_NOT_AMENDABLE'
];

async function healthOf(engine: TradingEngine): Promise<EngineHealthReport> {
	const started = performance.now();
	try {
		const health = await engine.health();
		return { engine: engine.name, reachable: true, health, latencyMs: performance.now() - started };
	} catch (error) {
		const reason =
			error instanceof EngineUnavailableError
				? `${error.reason}: ${error.message}`
				: error instanceof Error
					? error.message
					: String(error);
		return {
			engine: engine.name,
			reachable: false,
			reason,
			latencyMs: performance.now() - started
		};
	}
}
