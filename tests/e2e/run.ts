// `npm run test:e2e`: the browser tests against the built app on a fresh database. Builds the
// app when its build is missing or older than the sources, opens a new database (the embedded
// one in a temporary folder, or a new database on DATABASE_URL's server), migrates and seeds the
// demo data, starts `node server.js` on it (its remote engine pointed at an address the specs
// start the engine service on), runs the specs with vitest, and tears it all down.
// Arguments go to vitest, e.g. `npm run test:e2e -- trading` runs only matching spec files.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../../src/lib/server/db/connect';
import { findFreePort, startEmbeddedPostgres } from '../../src/lib/server/db/embedded.js';
import { migrate } from '../../src/lib/server/db/migrator';
import { seedDemo } from '../../src/lib/server/db/seed';
import { spawnApp, stop, waitUntilServing, type AppProcess } from './app-process';
import { engineServiceWiring } from './engine-service';

const root = join(import.meta.dirname, '../..');

function newestMtimeMs(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		newest = Math.max(newest, newestMtimeMs(join(path, entry)));
	}
	return newest;
}

function buildIfStale() {
	const handler = join(root, 'build/handler.js');
	let builtAt = 0;
	try {
		builtAt = statSync(handler).mtimeMs;
	} catch {
		// no build yet
	}
	const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
	const changedAt = Math.max(...sources.map((source) => newestMtimeMs(join(root, source))));
	if (builtAt > changedAt) {
		console.log('e2e: the build is up to date');
		return;
	}
	console.log('e2e: building the app (npm run build)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('e2e: npm run build failed');
}

interface FreshDatabase {
	url: string;
	embedded: boolean;
	dispose(): Promise<void>;
}

async function withAdmin(url: string, work: (admin: pg.Client) => Promise<unknown>) {
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	try {
		await work(admin);
	} finally {
		await admin.end();
	}
}

/** A new, empty database: on DATABASE_URL's server when set, else embedded in a temp folder. */
async function freshDatabase(): Promise<FreshDatabase> {
	const serverUrl = process.env.DATABASE_URL;
	if (serverUrl) {
		const name = `betwise_e2e_${randomBytes(5).toString('hex')}`;
		await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
		const url = new URL(serverUrl);
		url.pathname = `/${name}`;
		return {
			url: url.toString(),
			embedded: false,
			dispose: () =>
				withAdmin(serverUrl, (admin) =>
					admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
				)
		};
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'betwise-e2e-'));
	const embedded = await startEmbeddedPostgres({
		dataDir: join(dataDir, 'pglite'),
		port: await findFreePort()
	});
	return {
		url: embedded.url,
		embedded: true,
		async dispose() {
			await embedded.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

async function migrateAndSeed(url: string, embedded: boolean) {
	const db = connectDatabase(url, { max: embedded ? 1 : 4 });
	try {
		const client = await db.pool.connect();
		try {
			await migrate(client);
		} finally {
			client.release();
		}
		const seeded = await seedDemo(db.pool);
		console.log(
			`e2e: seeded ${seeded.usersCreated} users, ${seeded.marketsCreated} markets, ${seeded.ordersPlaced} resting orders`
		);
	} finally {
		await db.close();
	}
}

async function main(): Promise<number> {
	buildIfStale();
	const database = await freshDatabase();
	const logDir = mkdtempSync(join(tmpdir(), 'betwise-e2e-log-'));
	const logPath = join(logDir, 'server.log');
	let server: AppProcess | undefined;
	try {
		await migrateAndSeed(database.url, database.embedded);
		// Where the remote engine will listen: the app is pointed there; specs start and stop it.
		const engineService = await engineServiceWiring(database.url, database.embedded);
		const metricsToken = randomBytes(16).toString('hex');
		// Given to the specs too, so that one can start another app process just like this one.
		const appEnv: NodeJS.ProcessEnv = {
			...process.env,
			...engineService.appEnv,
			DATABASE_URL: database.url,
			// The embedded database is used through one connection per process (see open.ts).
			...(database.embedded ? { DB_POOL_MAX: '1' } : {}),
			METRICS_TOKEN: metricsToken,
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn'
		};
		server = spawnApp(appEnv, await findFreePort(), openSync(logPath, 'a'));
		const { origin } = server;
		await waitUntilServing(server);
		console.log(
			`e2e: app serving at ${origin} (${database.embedded ? 'embedded' : 'Postgres'} database)`
		);

		const vitest = spawn(
			process.execPath,
			[
				join(root, 'node_modules/vitest/vitest.mjs'),
				'run',
				'--config',
				'vitest.e2e.config.ts',
				...process.argv.slice(2)
			],
			{
				cwd: root,
				stdio: 'inherit',
				env: {
					...process.env,
					...engineService.specEnv,
					E2E_BASE_URL: origin,
					E2E_APP_ENV: JSON.stringify(appEnv),
					E2E_METRICS_TOKEN: metricsToken
				}
			}
		);
		const code = await new Promise<number>((resolve) =>
			vitest.once('exit', (exitCode) => resolve(exitCode ?? 1))
		);
		if (code !== 0) {
			const lines = readFileSync(logPath, 'utf8').trim().split('\n').slice(-40);
			console.log(`\ne2e: last lines of the server's log:\n${lines.join('\n')}`);
		}
		return code;
	} catch (error) {
		console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
		try {
			console.error(readFileSync(logPath, 'utf8').trim().split('\n').slice(-40).join('\n'));
		} catch {
			// no log yet
		}
		return 1;
	} finally {
		if (server) await stop(server.child);
		await database.dispose();
		rmSync(logDir, { recursive: true, force: true });
	}
}

process.exit(await main());
