// The engine service process (`npm run engine`): the remote engine of the seed's contract,
// matching through the TypeScript engine on the app's Postgres, served over HTTP and /ws.
import pg from 'pg';
import { LocalEngine, ENGINE_VERSION } from '$lib/engine/local';
import { isPglite } from '$lib/server/db/kind';
import { openConfiguredDatabase } from '$lib/server/db/open';
import { envOrExit, type Env } from '$lib/server/env';
import { EventHub } from '$lib/server/events';
import { marketCatalog } from './catalog';
import { createEngineService } from './server';

const SHUTDOWN_GRACE_MS = 10_000;

const config = envOrExit();
if (config.NODE_ENV === 'production' && !process.env.TRADING_ENGINE_TOKEN) {
	console.error('Invalid configuration: TRADING_ENGINE_TOKEN: must be set in production');
	process.exit(1);
}

/** Whether the configured database is PGlite, asked on a connection of its own. */
async function onPglite(url: string): Promise<boolean> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await isPglite(client);
	} finally {
		await client.end();
	}
}

async function openDatabase(settings: Env) {
	// PGlite serves every connection from one session: one connection per process (see
	// src/lib/server/db/open.ts), whatever DB_POOL_MAX says.
	const pglite = !settings.DATABASE_URL || (await onPglite(settings.DATABASE_URL));
	const db = await openConfiguredDatabase(pglite ? { ...settings, DB_POOL_MAX: 1 } : settings);
	return { db, pglite };
}

const { db, pglite } = await openDatabase(config);
const engine = new LocalEngine(db.pool, { engineName: 'remote' });
engine.startExpirySweeper();
// On PGlite the hub polls through the one connection (a NOTIFY would not reach it anyway).
const hub = new EventHub({ source: pglite ? { pool: db.pool } : { url: db.url } });
await hub.start();
const catalog = marketCatalog(db.pool);
const service = createEngineService({
	engine,
	token: config.TRADING_ENGINE_TOKEN,
	marketOfOption: catalog.marketOfOption,
	updates: { hub, optionsOfMarket: catalog.optionsOfMarket, pingMs: config.ENGINE_WS_PING_MS }
});
const host = config.ENGINE_HOST ?? (config.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');
const address = await service.listen(config.ENGINE_PORT, host);
// Tests and the dev runner wait for this line (with port 0 it is how they learn the port).
console.log(
	`engine service listening on http://${address.host}:${address.port} ` +
		`(version ${ENGINE_VERSION}, ${pglite ? 'embedded database' : 'Postgres'})`
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log(`engine service: ${signal}, finishing requests in flight`);
	const forced = setTimeout(() => {
		console.error('engine service: shutdown took too long, exiting');
		process.exit(1);
	}, SHUTDOWN_GRACE_MS + 5_000);
	forced.unref();
	await service.close(SHUTDOWN_GRACE_MS);
	engine.stop();
	await hub.stop();
	await db.close();
	console.log('engine service stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
