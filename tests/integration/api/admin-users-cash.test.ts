// An admin credits or debits a trader's available cash with a reason (admin.users.adjustCash): a
// DEPOSIT or WITHDRAWAL journal against EXTERNAL, the balance and one account audit entry, all in
// one transaction. A debit never takes cash held by resting orders, two debits at once cannot both
// spend the same cash, and a refused call writes nothing. The trader reads it in their cash
// history, support staff in the user's activity.
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/lib/server/db/invariants';
import { aMarket } from '../../fixtures/markets';
import { anAdmin, aSupportUser, callerFor } from '../../fixtures/services';
import { aTraderCaller, apiTestBed, failureOf, limit } from '../../fixtures/api';

const bed = apiTestBed();

const REASON = 'Wire 8812 arrived after the cut-off';

async function anAdminCaller() {
	const admin = await anAdmin(bed.db);
	return { admin, api: await callerFor(bed.services, admin) };
}

interface LedgerLeg {
	kind: string;
	account: string;
	user_id: string | null;
	amount_cents: string;
	memo: string | null;
	xid: string;
}

/** The journal's rows as stored, with the account each moved and the transaction that wrote it. */
async function journalRows(journalId: string): Promise<LedgerLeg[]> {
	const { rows } = await bed.db.pool.query<LedgerLeg>(
		`SELECT l.kind::text, a.kind::text AS account, a.user_id, l.amount_cents::text, l.memo,
		        l.xmin::text AS xid
		   FROM ledger_entries l JOIN accounts a ON a.id = l.account_id
		  WHERE l.journal_id = $1 ORDER BY a.kind`,
		[journalId]
	);
	return rows;
}

interface AuditRow {
	actor_id: string;
	action: string;
	detail: Record<string, unknown>;
	xid: string;
}

async function cashAuditRows(userId: string): Promise<AuditRow[]> {
	const { rows } = await bed.db.pool.query<AuditRow>(
		`SELECT actor_id, action::text, detail, xmin::text AS xid FROM account_audit
		  WHERE user_id = $1 AND action = 'CASH_ADJUSTED' ORDER BY id`,
		[userId]
	);
	return rows;
}

/** The transaction that last wrote the trader's available cash. */
async function cashAccountXid(userId: string): Promise<string> {
	const { rows } = await bed.db.pool.query<{ xid: string }>(
		`SELECT xmin::text AS xid FROM accounts WHERE user_id = $1 AND kind = 'TRADER_CASH'`,
		[userId]
	);
	return rows[0]!.xid;
}

/** How many ledger rows touch the user's accounts, and audit rows are about them. */
async function writtenFor(userId: string) {
	const { rows } = await bed.db.pool.query<{ ledger: number; audit: number }>(
		`SELECT (SELECT count(*)::int FROM ledger_entries l JOIN accounts a ON a.id = l.account_id
		          WHERE a.user_id = $1) AS ledger,
		        (SELECT count(*)::int FROM account_audit WHERE user_id = $1) AS audit`,
		[userId]
	);
	return rows[0]!;
}

describe('an admin crediting a trader', () => {
	it('posts a DEPOSIT journal from EXTERNAL with the reason, and the audit entry, in one transaction', async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { admin, api } = await anAdminCaller();

		const result = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: 1_234,
			reason: `  ${REASON}  `
		});

		expect(result).toEqual({
			userId: trader.user.id,
			amountCents: 1_234,
			journalId: expect.stringMatching(/^\d+$/),
			balance: { cashCents: 11_234, reservedCents: 0, availableCents: 11_234 }
		});
		const legs = await journalRows(result.journalId);
		expect(legs.map(({ xid: _xid, ...leg }) => leg)).toEqual([
			{
				kind: 'DEPOSIT',
				account: 'TRADER_CASH',
				user_id: trader.user.id,
				amount_cents: '1234',
				memo: `Staff adjustment: ${REASON}`
			},
			{
				kind: 'DEPOSIT',
				account: 'EXTERNAL',
				user_id: null,
				amount_cents: '-1234',
				memo: `Staff adjustment: ${REASON}`
			}
		]);
		const audit = await cashAuditRows(trader.user.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actor_id: admin.id,
			detail: { amountCents: 1_234, journalId: result.journalId, reason: REASON }
		});
		const xid = audit[0]!.xid;
		expect(legs.map((leg) => leg.xid)).toEqual([xid, xid]);
		expect(await cashAccountXid(trader.user.id)).toBe(xid);
		expect(await trader.api.account.balance()).toEqual(result.balance);
	});

	it('takes up to a million dollars at once', async () => {
		const trader = await aTraderCaller(bed, 0n);
		const { api } = await anAdminCaller();
		const result = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: 100_000_000,
			reason: REASON
		});
		expect(result.balance.availableCents).toBe(100_000_000);
	});
});

describe('an admin debiting a trader', () => {
	it('posts a WITHDRAWAL journal back to EXTERNAL with the reason, and the audit entry', async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { admin, api } = await anAdminCaller();

		const result = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: -2_500,
			reason: 'Reverses the duplicate credit of ticket 4410'
		});

		expect(result.balance).toEqual({ cashCents: 7_500, reservedCents: 0, availableCents: 7_500 });
		const legs = await journalRows(result.journalId);
		expect(legs.map(({ kind, account, amount_cents }) => [kind, account, amount_cents])).toEqual([
			['WITHDRAWAL', 'TRADER_CASH', '-2500'],
			['WITHDRAWAL', 'EXTERNAL', '2500']
		]);
		expect(legs.reduce((sum, leg) => sum + BigInt(leg.amount_cents), 0n)).toBe(0n);
		expect(legs[0]!.memo).toBe('Staff adjustment: Reverses the duplicate credit of ticket 4410');
		const audit = await cashAuditRows(trader.user.id);
		expect(audit).toEqual([
			expect.objectContaining({
				actor_id: admin.id,
				detail: {
					amountCents: -2_500,
					journalId: result.journalId,
					reason: 'Reverses the duplicate credit of ticket 4410'
				}
			})
		]);
		expect(legs.map((leg) => leg.xid)).toEqual([audit[0]!.xid, audit[0]!.xid]);
		expect(await cashAccountXid(trader.user.id)).toBe(audit[0]!.xid);
	});

	it('refuses a debit above the available cash, naming it, and writes nothing', async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { api } = await anAdminCaller();
		const before = await writtenFor(trader.user.id);

		const failure = await failureOf(
			api.admin.users.adjustCash({
				userId: trader.user.id,
				amountCents: -10_001,
				reason: REASON
			})
		);

		expect(failure).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INSUFFICIENT_FUNDS' });
		const message = await api.admin.users
			.adjustCash({ userId: trader.user.id, amountCents: -10_001, reason: REASON })
			.catch((error: Error) => error.message);
		expect(message).toContain('$100.00 available');
		expect(await writtenFor(trader.user.id)).toEqual(before);
		expect(await trader.api.account.balance()).toMatchObject({ availableCents: 10_000 });
	});

	it('leaves cash held by a resting order alone: all of the available goes, not a cent more', async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed, 10_000n);
		await trader.api.orders.place(limit(market, 'BUY', 10, 40));
		const { api } = await anAdminCaller();

		const tooMuch = await failureOf(
			api.admin.users.adjustCash({ userId: trader.user.id, amountCents: -9_601, reason: REASON })
		);
		expect(tooMuch).toMatchObject({ domainCode: 'INSUFFICIENT_FUNDS' });

		const result = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: -9_600,
			reason: REASON
		});
		expect(result.balance).toEqual({ cashCents: 400, reservedCents: 400, availableCents: 0 });
		const [order] = (await trader.api.orders.list({ status: ['OPEN'] })).items;
		expect(order).toMatchObject({ status: 'OPEN', quantity: 10 });
	});

	it('lets only one of two debits at once pass when together they exceed the available cash', async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const first = await anAdminCaller();
		const second = await anAdminCaller();
		const debit = (api: typeof first.api) =>
			api.admin.users.adjustCash({ userId: trader.user.id, amountCents: -6_000, reason: REASON });

		const outcomes = await Promise.allSettled([debit(first.api), debit(second.api)]);

		expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
		const refused = outcomes.find((outcome) => outcome.status === 'rejected');
		expect(await failureOf(Promise.reject(refused!.reason))).toMatchObject({
			domainCode: 'INSUFFICIENT_FUNDS'
		});
		expect(await trader.api.account.balance()).toMatchObject({ availableCents: 4_000 });
		expect(await cashAuditRows(trader.user.id)).toHaveLength(1);
	});
});

describe('who may adjust cash, and for whom', () => {
	it('refuses support staff and traders', async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const support = await callerFor(bed.services, await aSupportUser(bed.db));
		const before = await writtenFor(trader.user.id);
		for (const api of [support, trader.api]) {
			const failure = await failureOf(
				api.admin.users.adjustCash({ userId: trader.user.id, amountCents: 500, reason: REASON })
			);
			expect(failure).toMatchObject({ code: 'FORBIDDEN', domainCode: 'ROLE_REQUIRED' });
		}
		expect(await writtenFor(trader.user.id)).toEqual(before);
	});

	it('refuses a staff user, who holds no cash, and writes nothing', async () => {
		const staff = await aSupportUser(bed.db);
		const { api } = await anAdminCaller();
		const before = await writtenFor(staff.id);
		const failure = await failureOf(
			api.admin.users.adjustCash({ userId: staff.id, amountCents: 500, reason: REASON })
		);
		expect(failure).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'NOT_A_TRADER' });
		expect(await writtenFor(staff.id)).toEqual(before);
	});

	it('answers NOT_FOUND for a user that does not exist', async () => {
		const { api } = await anAdminCaller();
		const failure = await failureOf(
			api.admin.users.adjustCash({
				userId: '00000000-0000-4000-8000-000000000000',
				amountCents: 500,
				reason: REASON
			})
		);
		expect(failure).toMatchObject({ code: 'NOT_FOUND', domainCode: 'USER_NOT_FOUND' });
	});
});

describe('what an adjustment must say', () => {
	it.each([
		['zero', 0],
		['a fraction of a cent', 12.5],
		['more than a million dollars', 100_000_001],
		['a debit of more than a million dollars', -100_000_001]
	])('refuses an amount of %s, naming amountCents', async (_case, amountCents) => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { api } = await anAdminCaller();
		const failure = await failureOf(
			api.admin.users.adjustCash({ userId: trader.user.id, amountCents, reason: REASON })
		);
		expect(failure).toMatchObject({ code: 'BAD_REQUEST', fields: ['amountCents'] });
	});

	it.each([
		['none', '   '],
		['too short', 'typo fix'],
		['unreadable', '!!!!!!!!!!!!'],
		['too long', 'x'.repeat(501)]
	])('refuses a reason that is %s, naming reason', async (_case, reason) => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { api } = await anAdminCaller();
		const before = await writtenFor(trader.user.id);
		const failure = await failureOf(
			api.admin.users.adjustCash({ userId: trader.user.id, amountCents: 500, reason })
		);
		expect(failure).toMatchObject({ code: 'BAD_REQUEST', fields: ['reason'] });
		expect(await writtenFor(trader.user.id)).toEqual(before);
	});
});

describe('after adjustments', () => {
	it('keeps every invariant of the exchange', async () => {
		const market = await aMarket(bed.db);
		const trader = await aTraderCaller(bed, 10_000n);
		await trader.api.orders.place(limit(market, 'BUY', 5, 30));
		const { api } = await anAdminCaller();
		for (const amountCents of [1_000, -500, 250, -10_600]) {
			await api.admin.users.adjustCash({ userId: trader.user.id, amountCents, reason: REASON });
		}
		const broken = (await checkInvariants(bed.db.pool)).filter((result) => !result.ok);
		expect(broken).toEqual([]);
	});

	it("shows in the trader's cash history with the reason, and not in their key activity", async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { api } = await anAdminCaller();
		const credit = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: 1_234,
			reason: REASON
		});
		const debit = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: -34,
			reason: 'Fee refund sent twice by mistake'
		});

		const { items } = await trader.api.account.ledger();
		expect(items.map((row) => [row.journalId, row.kind, row.amountCents, row.staffReason])).toEqual(
			[
				[debit.journalId, 'WITHDRAWAL', -34, 'Fee refund sent twice by mistake'],
				[credit.journalId, 'DEPOSIT', 1_234, REASON],
				[expect.any(String), 'DEPOSIT', 10_000, null]
			]
		);
		expect((await trader.api.apiKeys.activity()).items).toEqual([]);
	});

	it("shows in the user's activity for support staff, naming the admin, amount and reason", async () => {
		const trader = await aTraderCaller(bed, 10_000n);
		const { admin, api } = await anAdminCaller();
		const credit = await api.admin.users.adjustCash({
			userId: trader.user.id,
			amountCents: 1_234,
			reason: REASON
		});

		const support = await callerFor(bed.services, await aSupportUser(bed.db));
		const detail = await support.admin.users.detail({ userId: trader.user.id });
		expect(detail.balance).toEqual(credit.balance);
		expect(detail.activity).toEqual([
			expect.objectContaining({
				action: 'CASH_ADJUSTED',
				actor: { id: admin.id, email: admin.email },
				cash: { amountCents: 1_234, journalId: credit.journalId, reason: REASON },
				key: null,
				sessions: null
			})
		]);
		const page = await support.admin.users.activity({ userId: trader.user.id });
		expect(page.entries.map((entry) => entry.cash)).toEqual([detail.activity[0]!.cash]);
	});
});
