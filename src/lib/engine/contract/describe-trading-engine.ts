// The contract every TradingEngine must pass, written once: the local engine in process, the
// engine service through RemoteEngine, or any other engine that claims the seed's contract.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarketStatus } from '$lib/shared/markets';
import type { EngineResult, OrderOutcome, TradingEngine } from '../engine';
import { orderInput, type OrderFields } from './orders';

export interface ContractMarket {
	id: string;
	/** Two options unless asked otherwise; books start empty. */
	optionIds: string[];
}

/** An engine and the database it writes to, where the suite makes its markets and traders. */
export interface EngineUnderTest {
	engine: TradingEngine;
	aMarket(options?: { status?: MarketStatus }): Promise<ContractMarket>;
	aTrader(cashCents?: number): Promise<{ id: string }>;
	/**
	 * An order as the database holds it: what the engine's answers do not show, such as a resting
	 * order another call cancelled, and why.
	 */
	anOrder(orderId: string): Promise<{ status: string; rejectReason: string | null }>;
	/** Throws when an invariant of the exchange (ledger, shares, reserves, books) fails. */
	assertInvariants(): Promise<void>;
	close(): Promise<void>;
}

function accepted<T>(result: EngineResult<T>): T {
	if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
	return result.value;
}

const HOUR_MS = 3_600_000;

export function describeTradingEngine(
	label: string,
	makeEngine: () => Promise<EngineUnderTest>
): void {
	describe(`the trading engine contract: ${label}`, () => {
		let under: EngineUnderTest;
		let engine: TradingEngine;

		beforeAll(async () => {
			under = await makeEngine();
			engine = under.engine;
		});
		afterAll(async () => {
			await under?.close();
		});
		afterEach(async () => {
			await under.assertInvariants();
		});

		const place = (trader: { id: string }, market: ContractMarket, fields: OrderFields) =>
			engine.place(trader.id, orderInput(market, fields));
		const placed = async (
			trader: { id: string },
			market: ContractMarket,
			fields: OrderFields
		): Promise<OrderOutcome> => accepted(await place(trader, market, fields));
		const bookOf = async (market: ContractMarket, option = 0) =>
			accepted(await engine.getOrderBook(market.optionIds[option]!));
		const fillsOf = (outcome: OrderOutcome) =>
			outcome.fills.map((fill) => [fill.priceCents, fill.quantity, fill.liquidity]);

		describe('placing a limit order', () => {
			it('rests on the book when nothing crosses it, served by this engine', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const { order, fills, duplicate } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 40,
					quantity: 5
				});
				expect(order).toMatchObject({
					status: 'OPEN',
					filledQuantity: 0,
					quantity: 5,
					priceCents: 40,
					type: 'LIMIT',
					timeInForce: 'GTC',
					userId: buyer.id,
					marketId: market.id,
					optionId: market.optionIds[0],
					engine: engine.name
				});
				expect(order.createdAt).toBeInstanceOf(Date);
				expect([fills, duplicate]).toEqual([[], false]);
				expect((await bookOf(market)).bids).toEqual([{ priceCents: 40, quantity: 5, orders: 1 }]);
			});

			it('fills at the resting order’s price when it crosses', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 45, quantity: 3 });
				const taken = await placed(buyer, market, { side: 'BUY', priceCents: 50, quantity: 3 });
				expect(taken.order.status).toBe('FILLED');
				expect(fillsOf(taken)).toEqual([[45, 3, 'TAKER']]);
				const book = await bookOf(market);
				expect([book.bids, book.asks, book.lastPriceCents]).toEqual([[], [], 45]);
			});

			it('fills what it can at the maker’s price and rests the rest at its own', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 45, quantity: 2 });
				const taken = await placed(buyer, market, { side: 'BUY', priceCents: 50, quantity: 5 });
				expect(taken.order).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 2 });
				expect(fillsOf(taken)).toEqual([[45, 2, 'TAKER']]);
				const book = await bookOf(market);
				expect(book.bids).toEqual([{ priceCents: 50, quantity: 3, orders: 1 }]);
				expect(book.asks).toEqual([]);
			});

			it('is REJECTED with INSUFFICIENT_FUNDS when the trader cannot pay for it', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader(100);
				const { order } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 50,
					quantity: 10
				});
				expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'INSUFFICIENT_FUNDS']);
				expect((await bookOf(market)).bids).toEqual([]);
			});

			it('is REJECTED with MARKET_NOT_OPEN in a halted market', async () => {
				const market = await under.aMarket({ status: 'HALTED' });
				const buyer = await under.aTrader();
				const { order } = await placed(buyer, market, { side: 'BUY', priceCents: 50, quantity: 1 });
				expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'MARKET_NOT_OPEN']);
			});

			it('answers UNKNOWN_OPTION for an option that does not exist', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const result = await engine.place(buyer.id, {
					...orderInput(market, { side: 'BUY', priceCents: 50, quantity: 1 }),
					optionId: randomUUID()
				});
				expect(result.ok ? 'ok' : result.code).toBe('UNKNOWN_OPTION');
			});
		});

		describe('placing a market order', () => {
			it('takes every ask at the makers’ prices and cancels the rest (IOC)', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 30, quantity: 2 });
				await placed(seller, market, { side: 'SELL', priceCents: 35, quantity: 3 });
				const taken = await placed(buyer, market, { side: 'BUY', type: 'MARKET', quantity: 8 });
				expect(fillsOf(taken)).toEqual([
					[30, 2, 'TAKER'],
					[35, 3, 'TAKER']
				]);
				expect(taken.order).toMatchObject({
					type: 'MARKET',
					timeInForce: 'IOC',
					status: 'CANCELLED',
					filledQuantity: 5
				});
				expect((await bookOf(market)).asks).toEqual([]);
			});

			it('needs cash only for what the book can sell it, not for 99¢ a share', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader(500);
				await placed(seller, market, { side: 'SELL', priceCents: 10, quantity: 20 });
				// 20 shares at 10¢ hold 2.00 of the buyer's 5.00; 100 shares at 99¢ would need 99.00.
				const taken = await placed(buyer, market, { side: 'BUY', type: 'MARKET', quantity: 100 });
				expect(fillsOf(taken)).toEqual([[10, 20, 'TAKER']]);
				expect(taken.order).toMatchObject({ status: 'CANCELLED', filledQuantity: 20 });
			});
		});

		describe('placing a FOK order', () => {
			it('is REJECTED with FOK_NOT_FILLED when the book cannot fill it entirely', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 40, quantity: 2 });
				const refused = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 45,
					quantity: 5,
					timeInForce: 'FOK'
				});
				expect([refused.order.status, refused.order.rejectReason]).toEqual([
					'REJECTED',
					'FOK_NOT_FILLED'
				]);
				expect(refused.fills).toEqual([]);
				expect((await bookOf(market)).asks).toEqual([{ priceCents: 40, quantity: 2, orders: 1 }]);
			});

			it('fills entirely when the book has enough', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 40, quantity: 5 });
				const taken = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 45,
					quantity: 5,
					timeInForce: 'FOK'
				});
				expect(taken.order.status).toBe('FILLED');
				expect(fillsOf(taken)).toEqual([[40, 5, 'TAKER']]);
			});
		});

		describe('placing a post-only order', () => {
			it('is REJECTED with POST_ONLY_WOULD_CROSS when it would trade', async () => {
				const market = await under.aMarket();
				const seller = await under.aTrader();
				const buyer = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 40, quantity: 2 });
				const { order, fills } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 40,
					quantity: 1,
					postOnly: true
				});
				expect([order.status, order.rejectReason, fills]).toEqual([
					'REJECTED',
					'POST_ONLY_WOULD_CROSS',
					[]
				]);
			});

			it('rests when it does not cross', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const { order } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 39,
					quantity: 1,
					postOnly: true
				});
				expect([order.status, order.postOnly]).toEqual(['OPEN', true]);
			});
		});

		describe('placing a GTD order', () => {
			it('rests with its expiry until then', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + HOUR_MS);
				const { order } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 40,
					quantity: 2,
					timeInForce: 'GTD',
					expiresAt
				});
				expect([order.status, order.timeInForce]).toEqual(['OPEN', 'GTD']);
				expect(order.expiresAt?.toISOString()).toBe(expiresAt.toISOString());
			});

			it('is REJECTED as EXPIRED_ON_ARRIVAL when its expiry has passed', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const { order } = await placed(buyer, market, {
					side: 'BUY',
					priceCents: 40,
					quantity: 2,
					timeInForce: 'GTD',
					expiresAt: new Date(Date.now() - HOUR_MS)
				});
				expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'EXPIRED_ON_ARRIVAL']);
			});
		});

		describe('placing a batch', () => {
			it('accepts or refuses each order on its own, answering in the order sent', async () => {
				const market = await under.aMarket();
				const trader = await under.aTrader(1_000);
				const results = await engine.placeBatch(trader.id, [
					orderInput(market, { side: 'BUY', priceCents: 40, quantity: 2 }),
					{
						...orderInput(market, { side: 'BUY', priceCents: 40, quantity: 1 }),
						optionId: randomUUID()
					},
					orderInput(market, { side: 'BUY', priceCents: 50, quantity: 100 }),
					orderInput(market, { side: 'SELL', priceCents: 60, quantity: 1, option: 1 })
				]);
				expect(
					results.map((result) =>
						result.ok
							? [result.value.order.status, result.value.order.rejectReason]
							: ['failed', result.code]
					)
				).toEqual([
					['OPEN', null],
					['failed', 'UNKNOWN_OPTION'],
					['REJECTED', 'INSUFFICIENT_FUNDS'],
					['OPEN', null]
				]);
				expect((await bookOf(market)).bids).toEqual([{ priceCents: 40, quantity: 2, orders: 1 }]);
				expect((await bookOf(market, 1)).asks).toEqual([
					{ priceCents: 60, quantity: 1, orders: 1 }
				]);
			});
		});

		describe('placing with a clientOrderId', () => {
			it('returns the same order, unchanged, when the same order is sent again', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const fields = {
					side: 'BUY' as const,
					priceCents: 40,
					quantity: 3,
					clientOrderId: `contract-${randomUUID()}`
				};
				const first = await placed(buyer, market, fields);
				const again = await placed(buyer, market, fields);
				expect(again.duplicate).toBe(true);
				expect(again.order.id).toBe(first.order.id);
				expect(again.order.clientOrderId).toBe(fields.clientOrderId);
				expect((await bookOf(market)).bids).toEqual([{ priceCents: 40, quantity: 3, orders: 1 }]);
			});

			it('answers CLIENT_ORDER_ID_IN_USE when the id was used for a different order', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const clientOrderId = `contract-${randomUUID()}`;
				await placed(buyer, market, { side: 'BUY', priceCents: 40, quantity: 3, clientOrderId });
				const other = await place(buyer, market, {
					side: 'BUY',
					priceCents: 41,
					quantity: 3,
					clientOrderId
				});
				expect(other.ok ? 'ok' : other.code).toBe('CLIENT_ORDER_ID_IN_USE');
				const immediate = await place(buyer, market, {
					side: 'BUY',
					priceCents: 40,
					quantity: 3,
					timeInForce: 'IOC',
					clientOrderId
				});
				expect(immediate.ok ? 'ok' : immediate.code).toBe('CLIENT_ORDER_ID_IN_USE');
			});
		});

		describe('amending', () => {
			it('keeps queue priority when only the quantity goes down', async () => {
				const market = await under.aMarket();
				const first = await under.aTrader();
				const second = await under.aTrader();
				const seller = await under.aTrader();
				const early = await placed(first, market, { side: 'BUY', priceCents: 40, quantity: 5 });
				await placed(second, market, { side: 'BUY', priceCents: 40, quantity: 5 });
				const amended = accepted(
					await engine.amend(first.id, { orderId: early.order.id, quantity: 3 })
				);
				expect([amended.order.id, amended.order.quantity]).toEqual([early.order.id, 3]);
				await placed(seller, market, { side: 'SELL', priceCents: 40, quantity: 3 });
				const [firstPositions, secondPositions] = await Promise.all([
					engine.getPositions(first.id),
					engine.getPositions(second.id)
				]);
				expect(firstPositions.map((position) => position.quantity)).toEqual([3]);
				expect(secondPositions).toEqual([]);
			});

			it('loses queue priority when the price changes', async () => {
				const market = await under.aMarket();
				const first = await under.aTrader();
				const second = await under.aTrader();
				const seller = await under.aTrader();
				const early = await placed(first, market, { side: 'BUY', priceCents: 41, quantity: 5 });
				await placed(second, market, { side: 'BUY', priceCents: 40, quantity: 5 });
				const amended = accepted(
					await engine.amend(first.id, { orderId: early.order.id, priceCents: 40 })
				);
				expect(amended.order.priceCents).toBe(40);
				await placed(seller, market, { side: 'SELL', priceCents: 40, quantity: 5 });
				expect((await engine.getPositions(second.id)).map((p) => p.quantity)).toEqual([5]);
				expect(await engine.getPositions(first.id)).toEqual([]);
			});

			it('trades when the new price crosses, and an order it fills is gone from the book', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const seller = await under.aTrader();
				const { order } = await placed(buyer, market, { side: 'BUY', priceCents: 20, quantity: 5 });
				await placed(seller, market, { side: 'SELL', priceCents: 34, quantity: 5 });
				const amended = accepted(
					await engine.amend(buyer.id, { orderId: order.id, priceCents: 34 })
				);
				expect([amended.order.status, fillsOf(amended)]).toEqual(['FILLED', [[34, 5, 'TAKER']]]);
				const cancel = await engine.cancel(buyer.id, order.id);
				expect(cancel.ok ? 'ok' : cancel.code).toBe('UNKNOWN_ORDER');
				const again = await engine.amend(buyer.id, { orderId: order.id, quantity: 9 });
				expect(again.ok ? 'ok' : again.code).toBe('UNKNOWN_ORDER');
				expect(await bookOf(market)).toMatchObject({ bids: [], asks: [] });
			});

			it('answers UNKNOWN_ORDER for an order the user does not have', async () => {
				const market = await under.aMarket();
				const owner = await under.aTrader();
				const stranger = await under.aTrader();
				const { order } = await placed(owner, market, { side: 'BUY', priceCents: 40, quantity: 5 });
				const result = await engine.amend(stranger.id, { orderId: order.id, quantity: 1 });
				expect(result.ok ? 'ok' : result.code).toBe('UNKNOWN_ORDER');
			});
		});

		describe('cancelling', () => {
			it('takes the order off the book and answers UNKNOWN_ORDER the second time', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const { order } = await placed(buyer, market, { side: 'BUY', priceCents: 40, quantity: 5 });
				const cancelled = accepted(await engine.cancel(buyer.id, order.id));
				expect([cancelled.id, cancelled.status]).toEqual([order.id, 'CANCELLED']);
				expect((await bookOf(market)).bids).toEqual([]);
				const again = await engine.cancel(buyer.id, order.id);
				expect(again.ok ? 'ok' : again.code).toBe('UNKNOWN_ORDER');
			});

			it('cancels all of a user’s resting orders in one market, then everywhere', async () => {
				const [one, other] = [await under.aMarket(), await under.aMarket()];
				const buyer = await under.aTrader();
				const inOne = [
					await placed(buyer, one, { side: 'BUY', priceCents: 40, quantity: 1 }),
					await placed(buyer, one, { side: 'BUY', priceCents: 30, quantity: 1, option: 1 })
				];
				const inOther = await placed(buyer, other, { side: 'BUY', priceCents: 20, quantity: 1 });
				const cancelled = await engine.cancelAll(buyer.id, { marketId: one.id });
				expect(cancelled.map((order) => order.id).sort()).toEqual(
					inOne.map((outcome) => outcome.order.id).sort()
				);
				expect(cancelled.every((order) => order.status === 'CANCELLED')).toBe(true);
				expect((await bookOf(other)).bids).toHaveLength(1);
				const rest = await engine.cancelAll(buyer.id);
				expect(rest.map((order) => order.id)).toEqual([inOther.order.id]);
			});
		});

		describe('self-trade prevention', () => {
			it('cancels the trader’s own resting order (SELF_TRADE) and goes on matching others', async () => {
				const market = await under.aMarket();
				const [trader, other] = [await under.aTrader(), await under.aTrader()];
				const own = await placed(trader, market, { side: 'SELL', priceCents: 50, quantity: 5 });
				await placed(other, market, { side: 'SELL', priceCents: 52, quantity: 3 });
				const bid = await placed(trader, market, { side: 'BUY', priceCents: 55, quantity: 5 });
				// Never against its own ask at 50: the other trader's at 52, then the rest rests.
				expect(fillsOf(bid)).toEqual([[52, 3, 'TAKER']]);
				expect(bid.order).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 3 });
				expect(await under.anOrder(own.order.id)).toEqual({
					status: 'CANCELLED',
					rejectReason: 'SELF_TRADE'
				});
				const book = await bookOf(market);
				expect([book.bids, book.asks]).toEqual([[{ priceCents: 55, quantity: 2, orders: 1 }], []]);
			});
		});

		describe('reading a book', () => {
			it('aggregates levels best first, limits them to the depth, and moves seq on', async () => {
				const market = await under.aMarket();
				const maker = await under.aTrader();
				const before = await bookOf(market);
				await placed(maker, market, { side: 'BUY', priceCents: 40, quantity: 1 });
				await placed(maker, market, { side: 'BUY', priceCents: 40, quantity: 2 });
				await placed(maker, market, { side: 'BUY', priceCents: 42, quantity: 1 });
				await placed(maker, market, { side: 'SELL', priceCents: 60, quantity: 4 });
				await placed(maker, market, { side: 'SELL', priceCents: 55, quantity: 1 });
				const book = await bookOf(market);
				expect(book.optionId).toBe(market.optionIds[0]);
				expect(book.bids).toEqual([
					{ priceCents: 42, quantity: 1, orders: 1 },
					{ priceCents: 40, quantity: 3, orders: 2 }
				]);
				expect(book.asks).toEqual([
					{ priceCents: 55, quantity: 1, orders: 1 },
					{ priceCents: 60, quantity: 4, orders: 1 }
				]);
				expect(BigInt(book.seq)).toBeGreaterThan(BigInt(before.seq));
				const top = accepted(await engine.getOrderBook(market.optionIds[0]!, 1));
				expect([top.bids, top.asks]).toEqual([[book.bids[0]], [book.asks[0]]]);
			});

			it('answers UNKNOWN_OPTION for an option that does not exist', async () => {
				const result = await engine.getOrderBook(randomUUID());
				expect(result.ok ? 'ok' : result.code).toBe('UNKNOWN_OPTION');
			});
		});

		describe('reading positions', () => {
			it('shows a long for the buyer and a short for the seller after a fill', async () => {
				const market = await under.aMarket();
				const buyer = await under.aTrader();
				const seller = await under.aTrader();
				await placed(seller, market, { side: 'SELL', priceCents: 45, quantity: 3 });
				await placed(buyer, market, { side: 'BUY', priceCents: 45, quantity: 3 });
				expect(await engine.getPositions(buyer.id)).toEqual([
					{
						optionId: market.optionIds[0],
						marketId: market.id,
						quantity: 3,
						costBasisCents: 135,
						realizedPnlCents: 0,
						lockedQuantity: 0
					}
				]);
				const [short] = await engine.getPositions(seller.id);
				expect(short?.quantity).toBe(-3);
			});

			it('is empty for a trader who never traded', async () => {
				const trader = await under.aTrader();
				expect(await engine.getPositions(trader.id)).toEqual([]);
			});
		});

		describe('health', () => {
			it('answers the seed’s body: healthy, database connected, a timestamp and a version', async () => {
				const health = await engine.health();
				expect(health).toMatchObject({ status: 'healthy', database: 'connected' });
				expect(new Date(health.timestamp).toISOString()).toBe(health.timestamp);
				expect(health.version).toMatch(/\S/);
			});
		});

		describe('determinism', () => {
			it('makes the same fills and leaves the same book for the same orders', async () => {
				const run = async () => {
					const market = await under.aMarket();
					const traders = [await under.aTrader(), await under.aTrader(), await under.aTrader()];
					const script: [number, OrderFields][] = [
						[0, { side: 'SELL', priceCents: 55, quantity: 4 }],
						[1, { side: 'SELL', priceCents: 52, quantity: 2 }],
						[2, { side: 'BUY', priceCents: 48, quantity: 5 }],
						[0, { side: 'BUY', priceCents: 53, quantity: 3 }],
						[2, { side: 'SELL', priceCents: 47, quantity: 7 }],
						[1, { side: 'BUY', type: 'MARKET', quantity: 6 }],
						[0, { side: 'SELL', priceCents: 50, quantity: 2, timeInForce: 'IOC' }]
					];
					const fills = [];
					for (const [who, fields] of script) {
						const outcome = await placed(traders[who]!, market, fields);
						fills.push([outcome.order.status, ...fillsOf(outcome)]);
					}
					const { bids, asks, lastPriceCents } = await bookOf(market);
					return { fills, bids, asks, lastPriceCents };
				};
				const first = await run();
				expect(first.fills.flat().length).toBeGreaterThan(first.fills.length);
				expect(await run()).toEqual(first);
			});
		});
	});
}
