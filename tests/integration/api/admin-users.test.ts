import { describe, expect, it } from 'vitest';
import { aMarket } from '../../fixtures/markets';
import { aSupportUser, callerFor } from '../../fixtures/services';
import { aTraderCaller, apiTestBed, failureOf, limit } from '../../fixtures/api';

const bed = apiTestBed();

async function supportCaller() {
	return callerFor(bed.services, await aSupportUser(bed.db));
}

describe('support looking up one user', () => {
	it("shows the user's cash, reserved and available", async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed, 10_000n);
		await trader.api.orders.place(limit(market, 'BUY', 10, 40));

		const detail = await (await supportCaller()).admin.users.detail({ userId: trader.user.id });
		expect(detail.user).toMatchObject({ id: trader.user.id, role: 'TRADER', disabled: false });
		expect(detail.balance).toEqual({
			cashCents: 10_000,
			reservedCents: 400,
			availableCents: 9_600
		});
	});

	it("lists the user's live API keys by their hints, never the keys", async () => {
		const trader = await aTraderCaller(bed);
		const { key: revoked } = await trader.api.apiKeys.create({ label: 'old bot', access: 'READ' });
		await trader.api.apiKeys.revoke({ id: revoked.id });
		const { key, secret } = await trader.api.apiKeys.create({ label: 'quoter', access: 'TRADE' });

		const detail = await (await supportCaller()).admin.users.detail({ userId: trader.user.id });
		expect(detail.apiKeys).toEqual([key]);
		expect(JSON.stringify(detail)).not.toContain(secret);
	});

	it('lists the newest orders first, each with its market, option and the engine that served it', async () => {
		const market = await aMarket(bed.db, { title: 'Rain tomorrow?' });
		const trader = await aTraderCaller(bed);
		await trader.api.orders.place(limit(market, 'BUY', 2, 30));
		const second = await trader.api.orders.place(limit(market, 'SELL', 3, 70, { option: 1 }));

		const { orders } = await (
			await supportCaller()
		).admin.users.detail({
			userId: trader.user.id
		});
		expect(orders).toHaveLength(2);
		expect(orders[0]).toMatchObject({
			id: second.order.id,
			side: 'SELL',
			marketTitle: 'Rain tomorrow?',
			optionLabel: 'No',
			engine: 'local'
		});
		expect(orders.every((order) => order.userId === trader.user.id)).toBe(true);
	});

	it('shows positions with their average price and PnL after a trade', async () => {
		const market = await aMarket(bed.db);
		const seller = await aTraderCaller(bed);
		const buyer = await aTraderCaller(bed);
		await seller.api.orders.place(limit(market, 'SELL', 4, 55));
		await buyer.api.orders.place(limit(market, 'BUY', 4, 55));

		const support = await supportCaller();
		const bought = await support.admin.users.detail({ userId: buyer.user.id });
		expect(bought.positions).toEqual([
			expect.objectContaining({
				optionLabel: 'Yes',
				quantity: 4,
				averagePriceCents: 55,
				lastPriceCents: 55,
				unrealizedPnlCents: 0
			})
		]);
		const sold = await support.admin.users.detail({ userId: seller.user.id });
		expect(sold.positions[0]).toMatchObject({ quantity: -4, averagePriceCents: 55 });
	});

	it('answers NOT_FOUND for a user that does not exist', async () => {
		const failure = await failureOf(
			(await supportCaller()).admin.users.detail({
				userId: '00000000-0000-4000-8000-000000000000'
			})
		);
		expect(failure).toMatchObject({ code: 'NOT_FOUND', domainCode: 'USER_NOT_FOUND' });
	});

	it('refuses a trader', async () => {
		const trader = await aTraderCaller(bed);
		const failure = await failureOf(trader.api.admin.users.detail({ userId: trader.user.id }));
		expect(failure).toMatchObject({ code: 'FORBIDDEN', domainCode: 'ROLE_REQUIRED' });
	});
});
