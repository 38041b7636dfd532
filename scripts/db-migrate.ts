// `npm run db:migrate`: applies the SQL migrations in prisma/migrations that are not applied yet.
import { openConfiguredDatabase } from '../src/lib/server/db/open';
import { envOrExit } from '../src/lib/server/env';

const db = await openConfiguredDatabase(envOrExit());
const { applied, alreadyApplied } = db.migrations;
console.log(
	applied.length
		? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
		: `Database is up to date (${alreadyApplied.length} migration(s) applied earlier).`
);
await db.close();
