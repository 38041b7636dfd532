// Builds what the contract suite needs around an engine: markets and funded traders made in the
// database the engine writes to, and the exchange's invariants checked there.
import type { EngineUnderTest } from '../../src/lib/engine/contract';
import type { TradingEngine } from '../../src/lib/engine/engine';
import { assertInvariants } from '../../src/lib/server/db/invariants';
import { aFundedTrader, storedOrder } from '../fixtures/engine';
import type { TestDatabase } from '../fixtures/database';
import { aMarket } from '../fixtures/markets';

export function engineUnderTest(
	db: TestDatabase,
	engine: TradingEngine,
	close: () => Promise<void>
): EngineUnderTest {
	return {
		engine,
		aMarket: (options) => aMarket(db, options),
		aTrader: (cashCents = 10_000) => aFundedTrader(db, BigInt(cashCents)),
		anOrder: async (orderId) => {
			const { status, rejectReason } = await storedOrder(db, orderId);
			return { status, rejectReason };
		},
		assertInvariants: () => assertInvariants(db.pool),
		close
	};
}
