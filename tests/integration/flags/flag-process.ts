// A second app process for the flag tests, run with tsx: it opens the database named by
// FLAG_PROCESS_DATABASE_URL with its own connections, event hub and flag service, and prints
// one JSON line per copy of the flags it reads: the engine it would now choose for the target.
import { connectDatabase } from '../../../src/lib/server/db/connect';
import { EventHub } from '../../../src/lib/server/events';
import { createFlagService, resolveEngine } from '../../../src/lib/server/flags';

const url = process.env.FLAG_PROCESS_DATABASE_URL;
const userId = process.env.FLAG_PROCESS_USER_ID;
if (!url || !userId)
	throw new Error('FLAG_PROCESS_DATABASE_URL and FLAG_PROCESS_USER_ID are required');
const onPglite = process.env.FLAG_PROCESS_DB_KIND === 'pglite';
const target = { userId, marketId: process.env.FLAG_PROCESS_MARKET_ID ?? null };

const db = connectDatabase(url, { max: onPglite ? 1 : 4 });
// As the app does: on PGlite the hub polls through the process's one connection.
const events = new EventHub({ source: onPglite ? { pool: db.pool } : { url }, pollIntervalMs: 20 });
// No periodic re-read to speak of: only the change notification can bring news here.
const flags = createFlagService({
	prisma: db.prisma,
	events,
	defaultEngine: 'local',
	refreshIntervalMs: 3_600_000
});

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

flags.onReload((snapshot) => {
	say({ type: 'reload', cause: snapshot.cause, choice: resolveEngine(snapshot, target, 'local') });
});
await events.start();
await flags.start();
say({ type: 'ready', choice: await flags.resolver.resolve(target) });

// The test ends this process by closing its stdin.
process.stdin.resume();
process.stdin.on('end', () => {
	flags.stop();
	void events
		.stop()
		.then(() => db.close())
		.then(() => process.exit(0));
});
