// Support staff page back through a user's whole order history and account activity
// (admin.users.orders and admin.users.activity), going on from the first page that
// admin.users.detail shows, so an order from last month can be found.
import { describe, expect, it } from 'vitest';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, aSupportUser, callerFor } from '../../fixtures/services';
import {
	aTraderCaller,
	apiTestBed,
	failureOf,
	limit,
	type Caller,
	type Market
} from '../../fixtures/api';

const bed = apiTestBed();

const NO_SUCH_USER = '00000000-0000-4000-8000-000000000000';

async function supportCaller() {
	return callerFor(bed.services, await aSupportUser(bed.db));
}

/** Places `count` resting one-share bids for the trader; their ids, in the order placed. */
async function placeOrders(trader: Caller, market: Market, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		ids.push((await trader.orders.place(limit(market, 'BUY', 1, 1 + (i % 20)))).order.id);
	}
	return ids;
}

/** Gives each order its own time, as two engines' id blocks would: ids then disagree with time. */
async function backdate(orders: { id: string; createdAt: Date }[]): Promise<void> {
	await bed.db.pool.query(
		`UPDATE orders SET created_at = v.at
		   FROM unnest($1::bigint[], $2::timestamptz[]) AS v(id, at) WHERE orders.id = v.id`,
		[orders.map(({ id }) => id), orders.map(({ createdAt }) => createdAt.toISOString())]
	);
}

/** Newest first by time, then the larger id first, as the exchange pages orders. */
function newestFirst(a: { id: string; createdAt: Date }, b: { id: string; createdAt: Date }) {
	return (
		b.createdAt.getTime() - a.createdAt.getTime() ||
		(BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0)
	);
}

/** Every page of `read`, following its nextCursor until it is null. */
async function readAllPages<Item>(
	read: (cursor: string | undefined) => Promise<{ items: Item[]; nextCursor: string | null }>
) {
	const items: Item[] = [];
	const pageSizes: number[] = [];
	let cursor: string | undefined;
	do {
		const page = await read(cursor);
		items.push(...page.items);
		pageSizes.push(page.items.length);
		cursor = page.nextCursor ?? undefined;
	} while (cursor !== undefined);
	return { items, pageSizes };
}

describe("support paging through a user's orders", () => {
	it('reads 120 orders 50 at a time, each once, newest first, then says there are no more', async () => {
		const market = await aMarket(bed.db, { title: 'Rain tomorrow?' });
		const trader = await aTraderCaller(bed);
		const placed = await placeOrders(trader.api, market, 120);
		// Over the last two months, two orders to each hour and out of id order, so pages must
		// follow time, and ties on time must break by id.
		const now = Date.now();
		const dated = placed.map((id, i) => ({
			id,
			createdAt: new Date(now - Math.floor(((i * 7) % 120) / 2) * 12 * 3_600_000)
		}));
		await backdate(dated);

		const support = await supportCaller();
		const { items, pageSizes } = await readAllPages(async (cursor) => {
			const page = await support.admin.users.orders({ userId: trader.user.id, cursor, limit: 50 });
			return { items: page.orders, nextCursor: page.nextCursor };
		});

		expect(pageSizes).toEqual([50, 50, 20]);
		expect(items.map(({ id }) => id)).toEqual([...dated].sort(newestFirst).map(({ id }) => id));
		expect(items[0]).toMatchObject({
			userId: trader.user.id,
			marketTitle: 'Rain tomorrow?',
			marketSlug: market.slug,
			optionLabel: 'Yes',
			engine: 'local'
		});
	});

	it("goes on from the first page that the user's detail shows", async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed);
		const placed = await placeOrders(trader.api, market, 5);
		const support = await supportCaller();

		const detail = await support.admin.users.detail({ userId: trader.user.id, orderLimit: 2 });
		expect(detail.orders.map(({ id }) => id)).toEqual([placed[4], placed[3]]);
		const next = await support.admin.users.orders({
			userId: trader.user.id,
			cursor: detail.ordersNextCursor!
		});
		expect(next.orders.map(({ id }) => id)).toEqual([placed[2], placed[1], placed[0]]);
		expect(next.nextCursor).toBeNull();

		const all = await support.admin.users.detail({ userId: trader.user.id });
		expect(all.orders).toHaveLength(5);
		expect(all.ordersNextCursor).toBeNull();
	});

	it('answers a user without orders with an empty last page', async () => {
		const trader = await aTraderCaller(bed);
		expect(await (await supportCaller()).admin.users.orders({ userId: trader.user.id })).toEqual({
			orders: [],
			nextCursor: null
		});
	});

	it('refuses a cursor that is not an order id, naming the field', async () => {
		const trader = await aTraderCaller(bed);
		const support = await supportCaller();
		for (const cursor of ['newest', '-1', '12.5', '1'.repeat(19)]) {
			expect(
				await failureOf(support.admin.users.orders({ userId: trader.user.id, cursor }))
			).toMatchObject({ code: 'BAD_REQUEST', fields: ['cursor'] });
		}
		for (const size of [0, 101]) {
			expect(
				await failureOf(support.admin.users.orders({ userId: trader.user.id, limit: size }))
			).toMatchObject({ code: 'BAD_REQUEST', fields: ['limit'] });
		}
	});

	it("answers UNKNOWN_ORDER for a cursor that is another user's order", async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed);
		const other = await aTraderCaller(bed);
		const [theirs] = await placeOrders(other.api, market, 1);

		expect(
			await failureOf(
				(await supportCaller()).admin.users.orders({ userId: trader.user.id, cursor: theirs })
			)
		).toMatchObject({ code: 'NOT_FOUND', domainCode: 'UNKNOWN_ORDER' });
	});
});

describe("support paging through a user's account activity", () => {
	it('reads every entry a page at a time, each once, newest first, naming who did it', async () => {
		const trader = await aTraderCaller(bed);
		for (let i = 0; i < 6; i++) {
			const { key } = await trader.api.apiKeys.create({ label: `bot ${i}`, access: 'READ' });
			await trader.api.apiKeys.revoke({ id: key.id });
		}
		const admin = await anAdmin(bed.db);
		await (
			await callerFor(bed.services, admin)
		).admin.users.revokeSessions({
			userId: trader.user.id
		});

		const support = await supportCaller();
		const { items, pageSizes } = await readAllPages(async (cursor) => {
			const page = await support.admin.users.activity({ userId: trader.user.id, cursor, limit: 5 });
			return { items: page.entries, nextCursor: page.nextCursor };
		});

		expect(pageSizes).toEqual([5, 5, 3]);
		expect(
			items.map((entry) => `${entry.action} ${entry.key?.label ?? entry.actor.email}`)
		).toEqual([
			`SESSIONS_REVOKED ${admin.email}`,
			...[5, 4, 3, 2, 1, 0].flatMap((i) => [`API_KEY_REVOKED bot ${i}`, `API_KEY_CREATED bot ${i}`])
		]);
		expect(new Set(items.map(({ id }) => id)).size).toBe(13);
		expect(items[1]).toMatchObject({
			actor: { id: trader.user.id, email: trader.user.email },
			clientAddress: '127.0.0.1'
		});

		// The user's detail shows the first page, and where the next one starts.
		const detail = await support.admin.users.detail({ userId: trader.user.id, activityLimit: 5 });
		expect(detail.activity.map(({ id }) => id)).toEqual(items.slice(0, 5).map(({ id }) => id));
		const next = await support.admin.users.activity({
			userId: trader.user.id,
			cursor: detail.activityNextCursor!
		});
		expect(next.entries.map(({ id }) => id)).toEqual(items.slice(5).map(({ id }) => id));
		expect(next.nextCursor).toBeNull();
	});

	it('answers a user without activity with an empty last page', async () => {
		const trader = await aTraderCaller(bed);
		const support = await supportCaller();
		expect(await support.admin.users.activity({ userId: trader.user.id })).toEqual({
			entries: [],
			nextCursor: null
		});
		const detail = await support.admin.users.detail({ userId: trader.user.id });
		expect(detail.activityNextCursor).toBeNull();
	});

	it('refuses a cursor that is not an entry id, naming the field', async () => {
		const trader = await aTraderCaller(bed);
		expect(
			await failureOf(
				(await supportCaller()).admin.users.activity({ userId: trader.user.id, cursor: 'latest' })
			)
		).toMatchObject({ code: 'BAD_REQUEST', fields: ['cursor'] });
	});
});

describe("a user's history pages", () => {
	it('are refused to a trader, even for their own orders and activity', async () => {
		const trader = await aTraderCaller(bed);
		for (const call of [
			() => trader.api.admin.users.orders({ userId: trader.user.id }),
			() => trader.api.admin.users.activity({ userId: trader.user.id })
		]) {
			expect(await failureOf(call())).toMatchObject({
				code: 'FORBIDDEN',
				domainCode: 'ROLE_REQUIRED'
			});
		}
	});

	it('answer NOT_FOUND for a user that does not exist, with or without a cursor', async () => {
		const support = await supportCaller();
		for (const call of [
			() => support.admin.users.orders({ userId: NO_SUCH_USER }),
			() => support.admin.users.orders({ userId: NO_SUCH_USER, cursor: '1' }),
			() => support.admin.users.activity({ userId: NO_SUCH_USER }),
			() => support.admin.users.activity({ userId: NO_SUCH_USER, cursor: '1' })
		]) {
			expect(await failureOf(call())).toMatchObject({
				code: 'NOT_FOUND',
				domainCode: 'USER_NOT_FOUND'
			});
		}
	});
});
