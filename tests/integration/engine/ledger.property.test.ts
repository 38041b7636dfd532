// Property: whatever traders with limited cash do — place (sometimes several at once; post-only
// and GTD among them), amend, cancel, cancel all, let GTD orders expire — on one or two books,
// every invariant holds afterwards, no cash is made or lost, each trader's cash equals deposits
// + realized PnL − cost of open positions, and the engine's cached books equal a rebuild.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineResult } from '../../../src/lib/engine/engine';
import { LocalEngine } from '../../../src/lib/engine/local';
import { assertInvariants } from '../../../src/lib/server/db/invariants';
import { aMarket } from '../../fixtures/markets';
import {
	aFundedTrader,
	bookRebuiltFromDatabase,
	cashOf,
	collateralCents,
	depositedCents,
	engineTestBed,
	place,
	positionOf,
	tradersCashCents,
	type OrderFields,
	type UserRef
} from '../../fixtures/engine';

const bed = engineTestBed();

type Place = {
	kind: 'place';
	trader: number;
	option: number;
	side: 'BUY' | 'SELL';
	market: boolean;
	priceCents: number;
	quantity: number;
	timeInForce: 'GTC' | 'GTD' | 'IOC' | 'FOK';
	/** Only where the order can rest (GTC, GTD): post-only is refused elsewhere. */
	postOnly: boolean;
	/** For GTD: 1 hour (expired by an `expire` step) or 3 (not). */
	expiresInHours: 1 | 3;
};
type Command =
	| Place
	| {
			kind: 'amend';
			pick: number;
			byOwner: boolean;
			trader: number;
			quantity?: number;
			priceCents?: number;
	  }
	| { kind: 'cancel'; pick: number; byOwner: boolean; trader: number }
	| { kind: 'cancelAll'; trader: number; everywhere: boolean }
	/** The expiry sweep, run as if two hours had passed. */
	| { kind: 'expire' };
/** One command, or several places sent at once (so that they share a batch). */
type Step = Command[];

const trader = fc.integer({ min: 0, max: 3 });
const price = fc.integer({ min: 35, max: 65 });
// Post-only orders included: amending one to a price that would cross is refused (see
// amending.test.ts), and a refused amend must leave the book and the cash as they were.
const placeCommand: fc.Arbitrary<Place> = fc.record({
	kind: fc.constant('place'),
	trader,
	option: fc.integer({ min: 0, max: 1 }),
	side: fc.constantFrom('BUY', 'SELL'),
	market: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
	priceCents: price,
	quantity: fc.integer({ min: 1, max: 12 }),
	timeInForce: fc.constantFrom('GTC', 'GTC', 'GTC', 'GTD', 'IOC', 'FOK'),
	postOnly: fc.integer({ min: 0, max: 3 }).map((roll) => roll === 0),
	expiresInHours: fc.constantFrom(1 as const, 3 as const)
});
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 5, arbitrary: placeCommand.map((command) => [command]) },
	{ weight: 2, arbitrary: fc.array(placeCommand, { minLength: 2, maxLength: 5 }) },
	{
		weight: 2,
		arbitrary: fc
			.record(
				{
					kind: fc.constant('amend' as const),
					pick: fc.nat(),
					byOwner: fc.boolean(),
					trader,
					quantity: fc.integer({ min: 1, max: 15 }),
					priceCents: price
				},
				{ requiredKeys: ['kind', 'pick', 'byOwner', 'trader'] }
			)
			.map((command) => [command])
	},
	{
		weight: 2,
		arbitrary: fc
			.record({
				kind: fc.constant('cancel' as const),
				pick: fc.nat(),
				byOwner: fc.boolean(),
				trader
			})
			.map((command) => [command])
	},
	{
		weight: 1,
		arbitrary: fc
			.record({ kind: fc.constant('cancelAll' as const), trader, everywhere: fc.boolean() })
			.map((command) => [command])
	},
	{ weight: 1, arbitrary: fc.constant<Step>([{ kind: 'expire' }]) }
);

/** Failures an engine may answer with for these commands; anything else is a bug. */
const EXPECTED_FAILURES = new Set([
	'UNKNOWN_ORDER',
	'INSUFFICIENT_FUNDS',
	'ORDER_NOT_AMENDABLE',
	'NOTHING_TO_AMEND',
	'POST_ONLY_WOULD_CROSS'
]);

const HOUR_MS = 3_600_000;

function expectAnswered(result: EngineResult<unknown>) {
	if (!result.ok) expect(EXPECTED_FAILURES).toContain(result.code);
}

describe('any sequence of orders, amends and cancels', () => {
	it('keeps the invariants and every trader’s cash accounted for', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(500n, 2_000n, 5_000n), { minLength: 3, maxLength: 4 }),
				fc.integer({ min: 1, max: 2 }),
				fc.array(step, { minLength: 1, maxLength: 25 }),
				async (cash, books, steps) => {
					const engine = new LocalEngine(bed.db.pool);
					const market = await aMarket(bed.db);
					const traders: UserRef[] = [];
					for (const cents of cash) traders.push(await aFundedTrader(bed.db, cents));
					const placed: { userId: string; orderId: string }[] = [];
					const who = (index: number) => traders[index % traders.length]!;

					const run = async (command: Command) => {
						switch (command.kind) {
							case 'place': {
								const fields: OrderFields = command.market
									? { side: command.side, quantity: command.quantity, type: 'MARKET' }
									: {
											side: command.side,
											priceCents: command.priceCents,
											quantity: command.quantity,
											timeInForce: command.timeInForce,
											postOnly:
												command.postOnly &&
												(command.timeInForce === 'GTC' || command.timeInForce === 'GTD'),
											expiresAt:
												command.timeInForce === 'GTD'
													? new Date(Date.now() + command.expiresInHours * HOUR_MS)
													: undefined
										};
								const user = who(command.trader);
								const result = await place(engine, user, market, {
									...fields,
									option: command.option % books
								});
								expectAnswered(result);
								if (result.ok) placed.push({ userId: user.id, orderId: result.value.order.id });
								return;
							}
							case 'amend':
							case 'cancel': {
								if (placed.length === 0) return;
								const target = placed[command.pick % placed.length]!;
								const userId = command.byOwner ? target.userId : who(command.trader).id;
								if (command.kind === 'cancel') {
									expectAnswered(await engine.cancel(userId, target.orderId));
								} else if (command.quantity !== undefined || command.priceCents !== undefined) {
									expectAnswered(
										await engine.amend(userId, {
											orderId: target.orderId,
											quantity: command.quantity,
											priceCents: command.priceCents
										})
									);
								}
								return;
							}
							case 'cancelAll':
								await engine.cancelAll(
									who(command.trader).id,
									command.everywhere ? {} : { marketId: market.id }
								);
								return;
							case 'expire':
								await engine.expireDue(new Date(Date.now() + 2 * HOUR_MS));
						}
					};
					for (const commands of steps) await Promise.all(commands.map(run));

					await assertInvariants(bed.db.pool);
					for (const optionId of market.optionIds) {
						const cached = engine.cachedBook(optionId);
						if (cached) expect(cached).toEqual(await bookRebuiltFromDatabase(bed.db, optionId));
					}
					expect((await tradersCashCents(bed.db)) + (await collateralCents(bed.db))).toBe(
						await depositedCents(bed.db)
					);
					for (const [index, user] of traders.entries()) {
						const { available, reserved } = await cashOf(bed.db, user.id);
						let realizedMinusCost = 0;
						for (const optionId of market.optionIds) {
							const position = await positionOf(bed.db, user.id, optionId);
							realizedMinusCost += position.realizedPnlCents - position.costBasisCents;
						}
						expect(available + reserved).toBe(Number(cash[index]) + realizedMinusCost);
					}
				}
			),
			// A failing run is reported as found (not shrunk): each run is a real database session.
			{ numRuns: 25, endOnFailure: true }
		);
	});
});
