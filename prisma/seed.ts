// `npm run db:seed`: migrates, then adds the demo users and markets that are not there yet.
import { openConfiguredDatabase } from '../src/lib/server/db/open';
import { DEMO_PASSWORD, demoUsers, seedDemoData } from '../src/lib/server/db/seed';
import { envOrExit } from '../src/lib/server/env';

const db = await openConfiguredDatabase(envOrExit());
const client = await db.pool.connect();
try {
	const report = await seedDemoData(client);
	console.log(
		`Seeded ${report.usersCreated} new user(s) and ${report.marketsCreated} new market(s).` +
			` Demo logins (password "${DEMO_PASSWORD}"): ${demoUsers.map((user) => user.email).join(', ')}`
	);
} finally {
	client.release();
	await db.close();
}
