// Cash, reserves and positions (Kalshi's model) through the local engine: a buy holds p·q; a
// sell of held shares locks them; a sell beyond holdings holds (100 − p) a share and opens a
// short; buying a short back pays (100 − p); cost basis and realized PnL over round trips.
import { describe, expect, it } from 'vitest';
import { AmendOrderInput } from '../../../src/lib/shared/orders';
import { aMarket } from '../../fixtures/markets';
import {
	cashOf,
	codeOf,
	collateralCents,
	engineTestBed,
	levelsOf,
	placeLimit,
	positionOf,
	storedOrder,
	tradersWithCash,
	type MarketRef,
	type UserRef
} from '../../fixtures/engine';

const bed = engineTestBed();

/** `buyer` buys `quantity` shares from `seller` at `priceCents` (the seller's order rests first). */
async function trade(
	market: MarketRef,
	buyer: UserRef,
	seller: UserRef,
	priceCents: number,
	quantity: number
) {
	await placeLimit(bed.engine, seller, market, { side: 'SELL', priceCents, quantity });
	const { order } = await placeLimit(bed.engine, buyer, market, {
		side: 'BUY',
		priceCents,
		quantity
	});
	expect(order.status).toBe('FILLED');
}

describe('a buy order', () => {
	it('reserves price × quantity while it rests', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 9_600, reserved: 400 });
	});

	it('pays the trade price when it fills and gets the rest of its reserve back', async () => {
		const market = await aMarket(bed.db);
		const [seller, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, seller!, market, { side: 'SELL', priceCents: 52, quantity: 5 });
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 60, quantity: 5 });
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000 - 260, reserved: 0 });
		expect(await positionOf(bed.db, buyer!.id, market.optionIds[0]!)).toEqual({
			quantity: 5,
			costBasisCents: 260,
			realizedPnlCents: 0,
			lockedQuantity: 0
		});
	});
});

describe('a position an order leaves as it was', () => {
	it('is not written again (a resting buy changes cash, not the position)', async () => {
		const market = await aMarket(bed.db);
		const [holder, other] = await tradersWithCash(bed.db, 2);
		await trade(market, holder!, other!, 40, 10);
		const version = async () =>
			(
				await bed.db.pool.query<{ xmin: string }>(
					'SELECT xmin::text FROM positions WHERE user_id = $1 AND option_id = $2',
					[holder!.id, market.optionIds[0]]
				)
			).rows[0]!.xmin;
		const before = await version();
		await placeLimit(bed.engine, holder!, market, { side: 'BUY', priceCents: 30, quantity: 5 });
		expect(await version()).toBe(before);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600 - 150, reserved: 150 });
		// A sell of held shares locks them: that position is written.
		await placeLimit(bed.engine, holder!, market, { side: 'SELL', priceCents: 55, quantity: 4 });
		expect(await version()).not.toBe(before);
		expect((await positionOf(bed.db, holder!.id, market.optionIds[0]!)).lockedQuantity).toBe(4);
	});
});

describe('a sell order of shares the trader holds', () => {
	it('locks the shares instead of reserving cash', async () => {
		const market = await aMarket(bed.db);
		const [holder, other] = await tradersWithCash(bed.db, 2);
		await trade(market, holder!, other!, 40, 10);
		const { order } = await placeLimit(bed.engine, holder!, market, {
			side: 'SELL',
			priceCents: 55,
			quantity: 10
		});
		expect(order.status).toBe('OPEN');
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_600, reserved: 0 });
		expect((await positionOf(bed.db, holder!.id, market.optionIds[0]!)).lockedQuantity).toBe(10);
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(10);
	});

	it('needs no available cash at all', async () => {
		const market = await aMarket(bed.db);
		const [holder] = await tradersWithCash(bed.db, 1, 400n);
		const [other] = await tradersWithCash(bed.db, 1);
		await trade(market, holder!, other!, 40, 10);
		expect((await cashOf(bed.db, holder!.id)).available).toBe(0);
		const { order } = await placeLimit(bed.engine, holder!, market, {
			side: 'SELL',
			priceCents: 70,
			quantity: 10
		});
		expect(order.status).toBe('OPEN');
	});

	it('pays the seller the price on fill and books the realized PnL (buy 10 @40, sell 10 @55 → +150)', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, other, buyer] = await tradersWithCash(bed.db, 3);
		await trade(market, holder!, other!, 40, 10);
		await trade(market, buyer!, holder!, 55, 10);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 10_150, reserved: 0 });
		expect(await positionOf(bed.db, holder!.id, optionId)).toEqual({
			quantity: 0,
			costBasisCents: 0,
			realizedPnlCents: 150,
			lockedQuantity: 0
		});
		expect(await positionOf(bed.db, buyer!.id, optionId)).toMatchObject({
			quantity: 10,
			costBasisCents: 550
		});
	});

	it('keeps the remaining cost basis in proportion after a partial sale', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, other, buyer] = await tradersWithCash(bed.db, 3);
		await trade(market, holder!, other!, 40, 10);
		await trade(market, buyer!, holder!, 50, 4);
		expect(await positionOf(bed.db, holder!.id, optionId)).toEqual({
			quantity: 6,
			costBasisCents: 240,
			realizedPnlCents: 40,
			lockedQuantity: 0
		});
		await trade(market, buyer!, holder!, 30, 6);
		expect(await positionOf(bed.db, holder!.id, optionId)).toMatchObject({
			quantity: 0,
			costBasisCents: 0,
			realizedPnlCents: 40 - 60
		});
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 10_000 - 20, reserved: 0 });
	});

	it('averages the cost basis over buys at different prices', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, other, buyer] = await tradersWithCash(bed.db, 3);
		await trade(market, holder!, other!, 40, 5);
		await trade(market, holder!, other!, 60, 5);
		expect((await positionOf(bed.db, holder!.id, optionId)).costBasisCents).toBe(500);
		await trade(market, buyer!, holder!, 55, 10);
		expect((await positionOf(bed.db, holder!.id, optionId)).realizedPnlCents).toBe(50);
	});
});

describe('a sell order beyond what the trader holds', () => {
	it('reserves (100 − price) a share and opens a short when it fills', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [shorter, buyer] = await tradersWithCash(bed.db, 2);
		await placeLimit(bed.engine, shorter!, market, { side: 'SELL', priceCents: 40, quantity: 10 });
		expect(await cashOf(bed.db, shorter!.id)).toEqual({ available: 9_400, reserved: 600 });
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 40, quantity: 10 });
		expect(await cashOf(bed.db, shorter!.id)).toEqual({ available: 9_400, reserved: 0 });
		expect(await positionOf(bed.db, shorter!.id, optionId)).toEqual({
			quantity: -10,
			costBasisCents: 600,
			realizedPnlCents: 0,
			lockedQuantity: 0
		});
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 9_600, reserved: 0 });
	});

	it('locks what is held and reserves only for the rest', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, other, buyer] = await tradersWithCash(bed.db, 3);
		await trade(market, holder!, other!, 50, 4);
		const { order } = await placeLimit(bed.engine, holder!, market, {
			side: 'SELL',
			priceCents: 60,
			quantity: 10
		});
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_800 - 240, reserved: 240 });
		expect((await storedOrder(bed.db, order.id)).coveredQuantity).toBe(4);
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 60, quantity: 10 });
		// Sold 4 held shares at 60 (+40 realized) and opened a short of 6 (paid 6 × 40¢).
		expect(await positionOf(bed.db, holder!.id, optionId)).toEqual({
			quantity: -6,
			costBasisCents: 240,
			realizedPnlCents: 40,
			lockedQuantity: 0
		});
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_800, reserved: 0 });
	});

	it('is refused with INSUFFICIENT_FUNDS when (100 − price) × quantity is more than is available', async () => {
		const market = await aMarket(bed.db);
		const [shorter] = await tradersWithCash(bed.db, 1, 500n);
		const { order } = await placeLimit(bed.engine, shorter!, market, {
			side: 'SELL',
			priceCents: 40,
			quantity: 10
		});
		expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'INSUFFICIENT_FUNDS']);
		expect(await cashOf(bed.db, shorter!.id)).toEqual({ available: 500, reserved: 0 });
	});
});

describe('buying back a short', () => {
	it('pays (100 − price) a share back and books the PnL', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [shorter, holder] = await tradersWithCash(bed.db, 2);
		await trade(market, holder!, shorter!, 40, 10);
		const collateralBefore = await collateralCents(bed.db);
		// The holder sells the shares back at 30 to the shorter.
		await trade(market, shorter!, holder!, 30, 10);
		expect(await positionOf(bed.db, shorter!.id, optionId)).toEqual({
			quantity: 0,
			costBasisCents: 0,
			realizedPnlCents: 100,
			lockedQuantity: 0
		});
		expect(await cashOf(bed.db, shorter!.id)).toEqual({ available: 10_100, reserved: 0 });
		expect(await positionOf(bed.db, holder!.id, optionId)).toMatchObject({
			quantity: 0,
			realizedPnlCents: -100
		});
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_900, reserved: 0 });
		// Both sides closed: the 10 shares' collateral went back to them.
		expect(await collateralCents(bed.db)).toBe(collateralBefore - 1_000);
	});

	it('closes the short first and opens a long with the rest', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [trader, other, third] = await tradersWithCash(bed.db, 3);
		await trade(market, other!, trader!, 40, 4);
		await trade(market, trader!, third!, 50, 10);
		// Closing 4 short at 50 gives back 4 × 50¢ against 240¢ paid (−40); 6 long cost 300¢.
		expect(await positionOf(bed.db, trader!.id, optionId)).toEqual({
			quantity: 6,
			costBasisCents: 300,
			realizedPnlCents: -40,
			lockedQuantity: 0
		});
		expect(await cashOf(bed.db, trader!.id)).toEqual({ available: 10_000 - 40 - 300, reserved: 0 });
	});
});

describe('a sell that uses shares another of the trader’s sells has locked', () => {
	it('sells those shares, and the other sell holds cash for them instead', async () => {
		const market = await aMarket(bed.db);
		const optionId = market.optionIds[0]!;
		const [holder, other, buyer] = await tradersWithCash(bed.db, 3);
		await trade(market, holder!, other!, 40, 10);
		const high = await placeLimit(bed.engine, holder!, market, {
			side: 'SELL',
			priceCents: 70,
			quantity: 10
		});
		await placeLimit(bed.engine, holder!, market, { side: 'SELL', priceCents: 40, quantity: 5 });
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 40, quantity: 5 });
		expect(await positionOf(bed.db, holder!.id, optionId)).toEqual({
			quantity: 5,
			costBasisCents: 200,
			realizedPnlCents: 0,
			lockedQuantity: 5
		});
		const highRow = await storedOrder(bed.db, high.order.id);
		expect([highRow.status, highRow.coveredQuantity, highRow.reservedCents]).toEqual([
			'OPEN',
			5,
			5 * 30
		]);
		expect(await cashOf(bed.db, holder!.id)).toEqual({ available: 9_800 - 150, reserved: 150 });
	});
});

describe('an order the trader cannot pay for', () => {
	it('is REJECTED with INSUFFICIENT_FUNDS, counting what resting orders already hold', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1, 1_000n);
		await placeLimit(bed.engine, buyer!, market, { side: 'BUY', priceCents: 60, quantity: 10 });
		const { order, fills } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 10
		});
		expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'INSUFFICIENT_FUNDS']);
		expect(fills).toEqual([]);
		expect((await storedOrder(bed.db, order.id)).status).toBe('REJECTED');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 400, reserved: 600 });
		expect((await levelsOf(bed.engine, market.optionIds[0]!)).bids).toEqual([
			{ priceCents: 60, quantity: 10, orders: 1 }
		]);
	});

	it('is accepted when it needs exactly what is available', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1, 1_000n);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 20
		});
		expect(order.status).toBe('OPEN');
		expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 0, reserved: 1_000 });
	});

	it('is refused for a trader with no cash at all', async () => {
		const market = await aMarket(bed.db);
		const [broke] = await tradersWithCash(bed.db, 1, 0n);
		const { order } = await placeLimit(bed.engine, broke!, market, {
			side: 'BUY',
			priceCents: 1,
			quantity: 1
		});
		expect(order.rejectReason).toBe('INSUFFICIENT_FUNDS');
	});
});

describe('an order in a market that is not open', () => {
	it.each(['HALTED', 'CLOSED', 'RESOLVED'] as const)(
		'is REJECTED with MARKET_NOT_OPEN when the market is %s, and holds nothing',
		async (status) => {
			const market = await aMarket(bed.db, { status });
			const [buyer] = await tradersWithCash(bed.db, 1);
			const { order } = await placeLimit(bed.engine, buyer!, market, {
				side: 'BUY',
				priceCents: 50,
				quantity: 1
			});
			expect([order.status, order.rejectReason]).toEqual(['REJECTED', 'MARKET_NOT_OPEN']);
			expect(await cashOf(bed.db, buyer!.id)).toEqual({ available: 10_000, reserved: 0 });
		}
	);

	it('cannot be amended while the market is halted', async () => {
		const market = await aMarket(bed.db);
		const [buyer] = await tradersWithCash(bed.db, 1);
		const { order } = await placeLimit(bed.engine, buyer!, market, {
			side: 'BUY',
			priceCents: 50,
			quantity: 4
		});
		await bed.db.pool.query(`UPDATE markets SET status = 'HALTED' WHERE id = $1`, [market.id]);
		const result = await bed.engine.amend(
			buyer!.id,
			AmendOrderInput.parse({ orderId: order.id, priceCents: 45 })
		);
		expect(codeOf(result)).toBe('MARKET_NOT_OPEN');
		expect((await storedOrder(bed.db, order.id)).priceCents).toBe(50);
	});
});

describe('reading positions', () => {
	it('reports each position with its cost basis, realized PnL and locked shares', async () => {
		const market = await aMarket(bed.db);
		const [holder, other] = await tradersWithCash(bed.db, 2);
		await trade(market, holder!, other!, 40, 10);
		await placeLimit(bed.engine, holder!, market, { side: 'SELL', priceCents: 90, quantity: 3 });
		expect(await bed.engine.getPositions(holder!.id)).toEqual([
			{
				optionId: market.optionIds[0],
				marketId: market.id,
				quantity: 10,
				costBasisCents: 400,
				realizedPnlCents: 0,
				lockedQuantity: 3
			}
		]);
		expect(await bed.engine.getPositions(other!.id)).toEqual([
			expect.objectContaining({ quantity: -10, costBasisCents: 600 })
		]);
	});
});
