// The engine service next to the app under test. The runner reserves its address before it
// starts the app (so the app's remote engine points there) and hands the specs what they need to
// start it there and stop it mid-test, as the fallback test does.
import { randomBytes } from 'node:crypto';
import { findFreePort } from '../../src/lib/server/db/embedded.js';
import { startEngineService, type EngineServiceProcess } from '../fixtures/engine-service';

export interface EngineServiceWiring {
	/** Environment for the app: where its remote engine is, and the token to use. */
	appEnv: Record<string, string>;
	/** Environment for the specs: enough for `startEngineServiceForApp()`. */
	specEnv: Record<string, string>;
}

/** For the runner: an address and token for the engine service, before the app starts. */
export async function engineServiceWiring(
	databaseUrl: string,
	embedded: boolean
): Promise<EngineServiceWiring> {
	const port = await findFreePort();
	const token = randomBytes(16).toString('hex');
	return {
		appEnv: {
			TRADING_ENGINE_URL: `http://127.0.0.1:${port}/api/v1`,
			TRADING_ENGINE_WS_URL: `ws://127.0.0.1:${port}/ws`,
			TRADING_ENGINE_TOKEN: token
		},
		specEnv: {
			E2E_ENGINE_PORT: String(port),
			E2E_ENGINE_TOKEN: token,
			E2E_DATABASE_URL: databaseUrl,
			E2E_DATABASE_EMBEDDED: embedded ? '1' : '0'
		}
	};
}

/** Whether the runner reserved an engine service address for this run. */
export function engineServiceWired(): boolean {
	return Boolean(process.env.E2E_ENGINE_PORT && process.env.E2E_DATABASE_URL);
}

/** For a spec: starts the engine service at the address the app was given. */
export function startEngineServiceForApp(): Promise<EngineServiceProcess> {
	const { E2E_ENGINE_PORT, E2E_ENGINE_TOKEN, E2E_DATABASE_URL, E2E_DATABASE_EMBEDDED } =
		process.env;
	if (!E2E_ENGINE_PORT || !E2E_ENGINE_TOKEN || !E2E_DATABASE_URL) {
		throw new Error(
			'the runner did not reserve an engine service: tests/e2e/run.ts must pass engineServiceWiring() to the app and the specs'
		);
	}
	return startEngineService({
		databaseUrl: E2E_DATABASE_URL,
		token: E2E_ENGINE_TOKEN,
		env: {
			ENGINE_PORT: E2E_ENGINE_PORT,
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
			// The embedded database is used through one connection per process.
			...(E2E_DATABASE_EMBEDDED === '1' ? { DB_POOL_MAX: '1' } : {})
		}
	});
}
