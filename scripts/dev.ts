// `npm run dev`: the whole system for a newcomer. Opens the database (the embedded one in .data/
// unless DATABASE_URL is set), migrates it, seeds demo data when it is empty, then runs the
// SvelteKit dev server with that database, and stops everything together.
import { spawn, type ChildProcess } from 'node:child_process';
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
// On the embedded database each process keeps one connection (see src/lib/server/db/open.ts).
const childEnv = {
	...process.env,
	DATABASE_URL: db.url,
	...(db.embedded ? { DB_POOL_MAX: '1' } : {})
};

function run(name: string, command: string, args: string[]): ChildProcess {
	const child = spawn(command, args, { stdio: 'inherit', env: childEnv });
	child.on('exit', (code, signal) => {
		if (stopping) return;
		console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
		void stop(code ?? 1);
	});
	children.push(child);
	return child;
}

let stopping = false;
async function stop(code: number) {
	if (stopping) return;
	stopping = true;
	for (const child of children) child.kill('SIGTERM');
	await db.close();
	process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

run('site', process.execPath, ['node_modules/vite/bin/vite.js', 'dev', ...process.argv.slice(2)]);
