// `npm run db:seed`: migrates, then adds the demo users and markets that are not there yet
// (and quotes in the markets it adds).
import { openConfiguredDatabase } from '../src/lib/server/db/open';
import { DEMO_PASSWORD, demoUsers, seedDemo } from '../src/lib/server/db/seed';
import { envOrExit } from '../src/lib/server/env';

const db = await openConfiguredDatabase(envOrExit());
try {
	const report = await seedDemo(db.pool);
	console.log(
		`Seeded ${report.usersCreated} new user(s), ${report.marketsCreated} new market(s) and ${report.ordersPlaced} order(s).` +
			` Demo logins (password "${DEMO_PASSWORD}"): ${demoUsers.map((user) => user.email).join(', ')}`
	);
} finally {
	await db.close();
}
