// `npm run db:check`: checks every invariant of the exchange on the configured database and
// prints each with pass or fail; exits 1 when any fails.
import { checkInvariants } from '../src/lib/server/db/invariants';
import { openConfiguredDatabase } from '../src/lib/server/db/open';
import { envOrExit } from '../src/lib/server/env';

const db = await openConfiguredDatabase(envOrExit());
let failed = 0;
try {
	for (const result of await checkInvariants(db.pool)) {
		console.log(`${result.ok ? 'pass' : 'FAIL'}  ${result.name}`);
		for (const example of result.examples) console.log(`        ${example}`);
		if (!result.ok) failed++;
	}
} finally {
	await db.close();
}
console.log(failed === 0 ? 'All invariants hold.' : `${failed} invariant(s) broken.`);
process.exit(failed === 0 ? 0 : 1);
