// The per-process services the server is built from, created once: configuration, the
// database, the login limiter, the trading engine and the order-entry limiter. Requests and sockets get them through the tRPC context.
import { LocalEngine } from '$lib/engine/local';
import type { TradingEngine } from '$lib/engine/engine';
import { createLoginService, type LoginService } from './auth/login';
import { database } from './db/database';
import type { Database } from './db/connect';
import { env, type Env } from './env';
import { EventHub } from './events';
import { isPglite } from './db/kind';
import { consoleEngineLog, type EngineCallLog } from './orders/engine-log';
import { createOrderEntryLimiter, type OrderEntryLimiter } from './orders/entry-limit';

export interface Services {
	env: Env;
	db: Database;
	login: LoginService;
	engine: TradingEngine;
	orderEntryLimiter: OrderEntryLimiter;
	logEngineCall: EngineCallLog;
	/** Outbox events fanned out to subscriptions. */
	events: EventHub;
}

const key = Symbol.for('betwise.services');
type Holder = { [key]?: Promise<Services> };

async function build(): Promise<Services> {
	const config = env();
	const db = await database();
	const engine = new LocalEngine(db.pool);
	engine.startExpirySweeper();
	// On PGlite the hub polls through the app's one connection: a second connection to it would
	// share (and disturb) the same session.
	const events = new EventHub({
		source: (await isPglite(db.pool)) ? { pool: db.pool } : { url: db.url }
	});
	await events.start();
	return {
		env: config,
		db,
		login: createLoginService(db.prisma, config.SESSION_TTL_HOURS),
		engine,
		orderEntryLimiter: createOrderEntryLimiter(),
		logEngineCall: consoleEngineLog,
		events
	};
}

export function services(): Promise<Services> {
	const holder = globalThis as Holder;
	holder[key] ??= build().catch((error: unknown) => {
		delete holder[key];
		throw error;
	});
	return holder[key];
}
