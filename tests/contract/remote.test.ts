// The trading engine contract, run against RemoteEngine over HTTP: by default against an engine
// service child process this file starts on a database of its own; with ENGINE_URL set, against
// whatever engine runs there, making its fixtures in DATABASE_URL's database (which that engine
// must share, as every engine shares the exchange's Postgres).
import { randomBytes } from 'node:crypto';
import { describeTradingEngine } from '../../src/lib/engine/contract';
import { marketOfOptionIn, RemoteEngine } from '../../src/lib/engine/remote';
import { connectDatabase } from '../../src/lib/server/db/connect';
import { isPglite } from '../../src/lib/server/db/kind';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import { startEngineService } from '../fixtures/engine-service';
import { engineUnderTest } from './under-test';

/** Generous: the point is to fail a hung call, not to judge speed. */
const CALL_TIMEOUT_MS = 15_000;
const engineUrl = process.env.ENGINE_URL;

describeTradingEngine(
	engineUrl ? `RemoteEngine against ${engineUrl}` : 'RemoteEngine against the engine service',
	async () => {
		if (engineUrl) return againstRunningEngine(engineUrl);
		const db = await createTestDatabase();
		const token = randomBytes(24).toString('base64url');
		const service = await startEngineService({ databaseUrl: db.url, token });
		const engine = new RemoteEngine({
			baseUrl: service.baseUrl,
			token,
			timeoutMs: CALL_TIMEOUT_MS,
			marketOfOption: marketOfOptionIn(db.pool)
		});
		return engineUnderTest(db, engine, async () => {
			engine.close();
			await service.stop();
			await db.close();
		});
	}
);

async function againstRunningEngine(baseUrl: string) {
	const databaseUrl = process.env.DATABASE_URL;
	const token = process.env.TRADING_ENGINE_TOKEN;
	if (!databaseUrl || !token) {
		throw new Error(
			'ENGINE_URL needs DATABASE_URL (the engine’s database) and TRADING_ENGINE_TOKEN'
		);
	}
	// One connection: enough for fixtures, and all an embedded database allows a process.
	const connection = connectDatabase(databaseUrl, { max: 1 });
	const db: TestDatabase = {
		...connection,
		kind: (await isPglite(connection.pool)) ? 'pglite' : 'postgres'
	};
	const engine = new RemoteEngine({
		baseUrl,
		token,
		timeoutMs: CALL_TIMEOUT_MS,
		marketOfOption: marketOfOptionIn(db.pool)
	});
	return engineUnderTest(db, engine, async () => {
		engine.close();
		await connection.close();
	});
}
