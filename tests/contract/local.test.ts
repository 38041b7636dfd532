// The trading engine contract, run against the local engine in this process.
import { describeTradingEngine } from '../../src/lib/engine/contract';
import { LocalEngine } from '../../src/lib/engine/local';
import { createTestDatabase } from '../fixtures/database';
import { engineUnderTest } from './under-test';

describeTradingEngine('LocalEngine', async () => {
	const db = await createTestDatabase();
	return engineUnderTest(db, new LocalEngine(db.pool), () => db.close());
});
