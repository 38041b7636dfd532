// `npm run dev`: the whole system for a newcomer. Opens the database (the embedded one in .data/
// unless DATABASE_URL is set), migrates it, seeds demo data when it is empty, then runs the
// SvelteKit dev server and the engine service with that database, and stops everything together.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openConfiguredDatabase } from '../src/lib/server/db/open';
import { DEMO_PASSWORD, demoUsers, seedDemoIfEmpty } from '../src/lib/server/db/seed';
import { envOrExit } from '../src/lib/server/env';

const config = envOrExit();
const db = await openConfiguredDatabase(config);
console.log(
	db.embedded
		? `Embedded database in ${config.DATA_DIR}/pglite, served at ${db.url}`
		: `Database: ${db.url.replace(/\/\/[^@]*@/, '//')}`
);
const seeded = await seedDemoIfEmpty(db.pool);
if (seeded) {
	console.log(
		`Seeded ${seeded.usersCreated} demo users, ${seeded.marketsCreated} markets and ${seeded.ordersPlaced} resting orders.`
	);
}
console.log(
	`Demo logins (password "${DEMO_PASSWORD}"): ${demoUsers.map((user) => user.email).join(', ')}`
);

const children: ChildProcess[] = [];
// The site and the engine service share a token made for this run unless one is configured.
const engineToken = process.env.TRADING_ENGINE_TOKEN || randomBytes(24).toString('base64url');
const enginePort = config.ENGINE_PORT;
// On the embedded database each process keeps one connection (see src/lib/server/db/open.ts).
const childEnv = {
	...process.env,
	DATABASE_URL: db.url,
	...(db.embedded ? { DB_POOL_MAX: '1' } : {}),
	TRADING_ENGINE_TOKEN: engineToken,
	ENGINE_PORT: String(enginePort),
	TRADING_ENGINE_URL:
		process.env.TRADING_ENGINE_URL ||
		process.env.NEXT_PUBLIC_TRADING_ENGINE_URL ||
		`http://localhost:${enginePort}/api/v1`,
	TRADING_ENGINE_WS_URL:
		process.env.TRADING_ENGINE_WS_URL ||
		process.env.NEXT_PUBLIC_TRADING_ENGINE_WS_URL ||
		`ws://localhost:${enginePort}/ws`
};

/**
 * Runs a child with the shared environment. When an essential one stops, everything stops;
 * without the engine service the site goes on, serving every order with the local engine.
 */
function run(
	name: string,
	command: string,
	args: string[],
	{ essential = true }: { essential?: boolean } = {}
): ChildProcess {
	const child = spawn(command, args, { stdio: 'inherit', env: childEnv });
	child.on('exit', (code, signal) => {
		if (stopping) return;
		const how = signal ?? `exit ${code}`;
		if (!essential) {
			console.error(`${name} stopped (${how}); the site falls back to the local engine.`);
			return;
		}
		console.error(`${name} stopped (${how}); stopping the rest.`);
		void stop(code ?? 1);
	});
	children.push(child);
	return child;
}

let stopping = false;
/** Longest wait for the children to finish their requests before the database goes. */
const CHILD_EXIT_WAIT_MS = 15_000;
async function stop(code: number) {
	if (stopping) return;
	stopping = true;
	const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
	const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
	for (const child of running) child.kill('SIGTERM');
	const timeout = new Promise((resolve) => setTimeout(resolve, CHILD_EXIT_WAIT_MS).unref());
	await Promise.race([Promise.all(exited), timeout]);
	await db.close();
	process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// Run by node itself (not through the tsx command), so that the stop signal reaches it directly.
run('engine service', process.execPath, ['--import', 'tsx', 'src/engine-service/main.ts'], {
	essential: false
});
run('site', process.execPath, ['node_modules/vite/bin/vite.js', 'dev', ...process.argv.slice(2)]);
