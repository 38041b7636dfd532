// The per-process services the server is built from, created once: configuration, the database,
// the login limiter, the engines behind their router, flags, metrics and the order-entry limiter.
// Requests and sockets get them through the tRPC context.
import { LocalEngine } from '$lib/engine/local';
import type { BreakerSettings } from '$lib/engine/breaker';
import type { TradingEngine } from '$lib/engine/engine';
import { startMarketCloser } from '$lib/engine/lifecycle';
import { orderLookup } from '$lib/engine/order-lookup';
import { marketOfOptionIn, RemoteEngine } from '$lib/engine/remote';
import { EngineRouter } from '$lib/engine/router';
import { createLoginService, type LoginService } from './auth/login';
import { SessionCache } from './auth/session-cache';
import { database } from './db/database';
import type { Database } from './db/connect';
import { env, type Env } from './env';
import { EventHub, startEventPruner } from './events';
import { isPglite } from './db/kind';
import { createFlagService, type FlagService } from './flags';
import type { EngineResolver } from './flags/choice';
import { EngineMetrics } from './metrics';
import { consoleEngineLog, type EngineCallLog } from './orders/engine-log';
import { createOrderEntryLimiter, type OrderEntryLimiter } from './orders/entry-limit';

export interface Services {
	env: Env;
	db: Database;
	login: LoginService;
	/** Active sessions, read from the database at most every 30 s; revocations drop them at once. */
	sessions: SessionCache;
	/** Every engine call goes through the router: it picks the engine and falls back. */
	engines: EngineRouter;
	engineMetrics: EngineMetrics;
	/** The rollout flags the router resolves engines from. */
	flags: FlagService;
	orderEntryLimiter: OrderEntryLimiter;
	logEngineCall: EngineCallLog;
	/** Outbox events fanned out to subscriptions. */
	events: EventHub;
}

/** The breaker settings the configuration names. */
export function breakerSettings(config: Env): BreakerSettings {
	return {
		failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
		errorPercent: config.BREAKER_ERROR_PERCENT,
		cooldownMs: config.BREAKER_COOLDOWN_MS
	};
}

/** The RemoteEngine the configuration points at. */
export function remoteEngineFor(config: Env, db: Pick<Database, 'pool'>): RemoteEngine {
	return new RemoteEngine({
		baseUrl: config.TRADING_ENGINE_URL,
		token: config.TRADING_ENGINE_TOKEN,
		timeoutMs: config.ENGINE_TIMEOUT_MS,
		marketOfOption: marketOfOptionIn(db.pool)
	});
}

/** The engine router over `local` and `remote`, reporting to `metrics`. */
export function engineRouterFor(options: {
	db: Pick<Database, 'pool'>;
	local: TradingEngine;
	remote: TradingEngine;
	resolver: EngineResolver;
	breaker: BreakerSettings;
	metrics: EngineMetrics;
}): EngineRouter {
	return new EngineRouter({
		local: options.local,
		remote: options.remote,
		resolver: options.resolver,
		breaker: options.breaker,
		orders: orderLookup(options.db.pool),
		observer: options.metrics
	});
}

const key = Symbol.for('betwise.services');
type Holder = { [key]?: Promise<Services> };

async function build(): Promise<Services> {
	const config = env();
	const db = await database();
	const local = new LocalEngine(db.pool);
	local.startExpirySweeper();
	startMarketCloser(db.pool);
	startEventPruner(db.pool, { retentionHours: config.EVENTS_RETENTION_HOURS });
	// On PGlite the hub polls through the app's one connection: a second connection to it would
	// share (and disturb) the same session.
	const events = new EventHub({
		source: (await isPglite(db.pool)) ? { pool: db.pool } : { url: db.url }
	});
	await events.start();
	const flags = createFlagService({
		prisma: db.prisma,
		events,
		defaultEngine: config.USE_RUST_ENGINE ? 'remote' : 'local'
	});
	await flags.start();
	const engineMetrics = new EngineMetrics({ processMetrics: true });
	const sessions = new SessionCache(db.prisma);
	sessions.listenTo(events);
	return {
		env: config,
		db,
		login: createLoginService(db.prisma, config.SESSION_TTL_HOURS),
		sessions,
		engines: engineRouterFor({
			db,
			local,
			remote: remoteEngineFor(config, db),
			resolver: flags.resolver,
			breaker: breakerSettings(config),
			metrics: engineMetrics
		}),
		engineMetrics,
		flags,
		orderEntryLimiter: createOrderEntryLimiter(db.pool),
		logEngineCall: consoleEngineLog,
		events
	};
}

/**
 * Makes `ready` this process's services instead of building them from the configuration, for a
 * host that builds its own (a test serving the app's modules on a database of its own).
 */
export function provideServices(ready: Services): void {
	(globalThis as Holder)[key] = Promise.resolve(ready);
}

export function services(): Promise<Services> {
	const holder = globalThis as Holder;
	holder[key] ??= build().catch((error: unknown) => {
		delete holder[key];
		throw error;
	});
	return holder[key];
}
