// The account audit: making and revoking an API key, and an admin signing a trader out
// everywhere, each write one entry naming who did it, in the transaction of the change; a change
// that did not happen writes none. The trader reads their own entries a page at a time
// (apiKeys.activity); support staff read them with the user (admin.users.detail).
import { describe, expect, it } from 'vitest';
import { MAX_LIVE_API_KEYS } from '../../../src/lib/server/auth/api-keys';
import { createSession } from '../../../src/lib/server/auth/sessions';
import { anAdmin, aSupportUser, callerFor } from '../../fixtures/services';
import type { MyAccountActivity } from '../../../src/lib/shared/account-activity';
import { aTraderCaller, apiTestBed, failureOf, type Caller } from '../../fixtures/api';

const bed = apiTestBed();

/** The callers' client address, as the test callers give it. */
const CLIENT_ADDRESS = '127.0.0.1';

interface AuditRow {
	id: string;
	user_id: string;
	actor_id: string;
	action: string;
	detail: Record<string, unknown>;
	client_address: string | null;
}

/** The user's audit rows as stored, oldest first. */
async function auditRowsOf(userId: string): Promise<AuditRow[]> {
	const { rows } = await bed.db.pool.query<AuditRow>(
		`SELECT id::text, user_id, actor_id, action::text, detail, client_address
		   FROM account_audit WHERE user_id = $1 ORDER BY id`,
		[userId]
	);
	return rows;
}

async function anAdminCaller() {
	const admin = await anAdmin(bed.db);
	return { admin, api: await callerFor(bed.services, admin) };
}

/** Every entry of the trader's activity, read `limit` at a time; also the pages' sizes. */
async function readAllActivity(api: Caller, limit: number) {
	const items: MyAccountActivity[] = [];
	const pageSizes: number[] = [];
	let cursor: string | undefined;
	do {
		const page = await api.apiKeys.activity({ limit, cursor });
		items.push(...page.items);
		pageSizes.push(page.items.length);
		cursor = page.nextCursor ?? undefined;
	} while (cursor !== undefined);
	return { items, pageSizes };
}

describe('making an API key', () => {
	it('writes one entry naming the trader, the key and where the call came from', async () => {
		const trader = await aTraderCaller(bed);
		const { key } = await trader.api.apiKeys.create({
			label: 'quoter',
			access: 'TRADE',
			expiresInDays: 30
		});

		const rows = await auditRowsOf(trader.user.id);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			actor_id: trader.user.id,
			action: 'API_KEY_CREATED',
			client_address: CLIENT_ADDRESS
		});
		expect(rows[0]!.detail).toEqual({
			keyId: key.id,
			label: 'quoter',
			access: 'TRADE',
			hint: key.hint,
			expiresAt: key.expiresAt.toISOString()
		});

		const { items, nextCursor } = await trader.api.apiKeys.activity();
		expect(nextCursor).toBeNull();
		expect(items).toEqual([
			{
				id: rows[0]!.id,
				action: 'API_KEY_CREATED',
				createdAt: expect.any(Date),
				actor: 'SELF',
				key: {
					id: key.id,
					label: 'quoter',
					access: 'TRADE',
					hint: key.hint,
					expiresAt: key.expiresAt
				},
				sessions: null
			}
		]);
	});

	it(`writes nothing when the trader already holds ${MAX_LIVE_API_KEYS} live keys`, async () => {
		const trader = await aTraderCaller(bed);
		for (let i = 0; i < MAX_LIVE_API_KEYS; i++) {
			await trader.api.apiKeys.create({ label: `bot ${i}`, access: 'READ' });
		}
		expect(
			await failureOf(trader.api.apiKeys.create({ label: 'one too many', access: 'READ' }))
		).toMatchObject({ code: 'PRECONDITION_FAILED', domainCode: 'API_KEY_LIMIT' });
		const rows = await auditRowsOf(trader.user.id);
		expect(rows).toHaveLength(MAX_LIVE_API_KEYS);
		expect(rows.map((row) => row.detail.label)).not.toContain('one too many');
	});
});

describe('revoking an API key', () => {
	it('writes one entry naming the trader and the key', async () => {
		const trader = await aTraderCaller(bed);
		const { key } = await trader.api.apiKeys.create({ label: 'old bot', access: 'READ' });
		await trader.api.apiKeys.revoke({ id: key.id });

		const rows = await auditRowsOf(trader.user.id);
		expect(rows.map((row) => row.action)).toEqual(['API_KEY_CREATED', 'API_KEY_REVOKED']);
		expect(rows[1]).toMatchObject({
			actor_id: trader.user.id,
			client_address: CLIENT_ADDRESS,
			detail: { keyId: key.id, label: 'old bot', access: 'READ', hint: key.hint }
		});
		const [newest] = (await trader.api.apiKeys.activity()).items;
		expect(newest).toMatchObject({
			action: 'API_KEY_REVOKED',
			actor: 'SELF',
			key: { id: key.id, label: 'old bot', hint: key.hint }
		});
	});

	it("writes nothing for an unknown key, another trader's key or a key already revoked", async () => {
		const mine = await aTraderCaller(bed);
		const theirs = await aTraderCaller(bed);
		const { key: theirKey } = await theirs.api.apiKeys.create({ label: 'theirs', access: 'TRADE' });
		const { key: gone } = await mine.api.apiKeys.create({ label: 'gone', access: 'READ' });
		await mine.api.apiKeys.revoke({ id: gone.id });
		const before = [await auditRowsOf(mine.user.id), await auditRowsOf(theirs.user.id)];

		for (const id of ['0'.repeat(64), theirKey.id, gone.id]) {
			expect(await failureOf(mine.api.apiKeys.revoke({ id }))).toMatchObject({
				code: 'NOT_FOUND',
				domainCode: 'UNKNOWN_API_KEY'
			});
		}
		expect([await auditRowsOf(mine.user.id), await auditRowsOf(theirs.user.id)]).toEqual(before);
	});

	it('writes one entry when the same key is revoked twice at once; the other finds no key', async () => {
		const trader = await aTraderCaller(bed);
		const { key } = await trader.api.apiKeys.create({ label: 'twice', access: 'READ' });
		const results = await Promise.allSettled([
			trader.api.apiKeys.revoke({ id: key.id }),
			trader.api.apiKeys.revoke({ id: key.id })
		]);
		expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((result) => result.status === 'rejected')!;
		expect(await failureOf(Promise.reject(refused.reason))).toMatchObject({
			domainCode: 'UNKNOWN_API_KEY'
		});
		const rows = await auditRowsOf(trader.user.id);
		expect(rows.filter((row) => row.action === 'API_KEY_REVOKED')).toHaveLength(1);
	});
});

describe('an admin signing a trader out everywhere', () => {
	it('writes one entry naming the admin, with how many sessions and keys ended', async () => {
		const trader = await aTraderCaller(bed);
		await trader.api.apiKeys.create({ label: 'bot', access: 'TRADE' });
		await createSession(bed.db.prisma, trader.user.id, 1);
		const { admin, api: adminApi } = await anAdminCaller();

		// The caller's own session, a second browser session and the key.
		expect(await adminApi.admin.users.revokeSessions({ userId: trader.user.id })).toEqual({
			revoked: 3
		});
		const rows = await auditRowsOf(trader.user.id);
		expect(rows.map((row) => row.action)).toEqual(['API_KEY_CREATED', 'SESSIONS_REVOKED']);
		expect(rows[1]).toMatchObject({
			actor_id: admin.id,
			client_address: CLIENT_ADDRESS,
			detail: { revoked: 3, apiKeys: 1 }
		});
		// On the admin's own account nothing changed.
		expect(await auditRowsOf(admin.id)).toEqual([]);
	});

	it('writes nothing when the trader has no session left to end', async () => {
		const trader = await aTraderCaller(bed);
		const { api: adminApi } = await anAdminCaller();
		await adminApi.admin.users.revokeSessions({ userId: trader.user.id });
		expect(await adminApi.admin.users.revokeSessions({ userId: trader.user.id })).toEqual({
			revoked: 0
		});
		expect((await auditRowsOf(trader.user.id)).map((row) => row.action)).toEqual([
			'SESSIONS_REVOKED'
		]);
	});

	it('is shown to the trader as done by staff, without naming them', async () => {
		const trader = await aTraderCaller(bed);
		const { api: adminApi } = await anAdminCaller();
		await trader.api.apiKeys.create({ label: 'bot', access: 'READ' });
		await adminApi.admin.users.revokeSessions({ userId: trader.user.id });

		// Signed out, the trader signs in again to read it.
		const again = await callerFor(bed.services, trader.user);
		const { items } = await again.apiKeys.activity();
		expect(items[0]).toEqual({
			id: expect.any(String),
			action: 'SESSIONS_REVOKED',
			createdAt: expect.any(Date),
			actor: 'STAFF',
			key: null,
			sessions: { revoked: 2, apiKeys: 1 }
		});
		expect(items[1]).toMatchObject({ action: 'API_KEY_CREATED', actor: 'SELF' });
	});
});

describe('the audit and the change it records', () => {
	it('commit together: when the entry cannot be written, nothing changes', async () => {
		const trader = await aTraderCaller(bed);
		const { key } = await trader.api.apiKeys.create({ label: 'kept', access: 'READ' });
		const { api: adminApi } = await anAdminCaller();
		await bed.db.pool.query(`
			CREATE FUNCTION refuse_audit_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'audit refused for the test'; END; $$;
			CREATE TRIGGER refuse_audit_for_test BEFORE INSERT ON account_audit
			    FOR EACH ROW EXECUTE FUNCTION refuse_audit_for_test();`);
		try {
			await expect(
				trader.api.apiKeys.create({ label: 'never made', access: 'READ' })
			).rejects.toThrow();
			await expect(trader.api.apiKeys.revoke({ id: key.id })).rejects.toThrow();
			await expect(
				adminApi.admin.users.revokeSessions({ userId: trader.user.id })
			).rejects.toThrow();
		} finally {
			await bed.db.pool.query(`
				DROP TRIGGER refuse_audit_for_test ON account_audit;
				DROP FUNCTION refuse_audit_for_test();`);
		}
		// The trader's browser session and their one key are live, and no process heard otherwise.
		const live = await bed.db.pool.query<{ kind: string; label: string | null }>(
			`SELECT kind::text, label FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY kind`,
			[trader.user.id]
		);
		expect(live.rows).toEqual([
			{ kind: 'API_KEY', label: 'kept' },
			{ kind: 'WEB', label: null }
		]);
		const announced = await bed.db.pool.query(
			`SELECT 1 FROM events WHERE topic = 'sessions' AND payload::text LIKE $1`,
			[`%${key.id}%`]
		);
		expect(announced.rows).toEqual([]);
		expect(await auditRowsOf(trader.user.id)).toHaveLength(1);
	});
});

describe("the trader's activity", () => {
	it('holds only their own entries, newest first, a page at a time', async () => {
		const trader = await aTraderCaller(bed);
		const other = await aTraderCaller(bed);
		const made = [];
		for (const label of ['one', 'two', 'three']) {
			made.push((await trader.api.apiKeys.create({ label, access: 'READ' })).key);
			await other.api.apiKeys.create({ label: `other ${label}`, access: 'READ' });
		}
		await trader.api.apiKeys.revoke({ id: made[0]!.id });
		await trader.api.apiKeys.revoke({ id: made[2]!.id });

		const { items, pageSizes } = await readAllActivity(trader.api, 2);
		expect(pageSizes).toEqual([2, 2, 1]);
		expect(items.map((entry) => `${entry.action} ${entry.key!.label}`)).toEqual([
			'API_KEY_REVOKED three',
			'API_KEY_REVOKED one',
			'API_KEY_CREATED three',
			'API_KEY_CREATED two',
			'API_KEY_CREATED one'
		]);
		const ids = items.map((entry) => BigInt(entry.id));
		expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
		expect(new Set(ids).size).toBe(ids.length);

		// One page of everything says it is the last.
		const whole = await trader.api.apiKeys.activity({ limit: 5 });
		expect(whole.items.map(({ id }) => id)).toEqual(items.map(({ id }) => id));
		expect(whole.nextCursor).toBeNull();
		expect((await other.api.apiKeys.activity()).items).toHaveLength(3);
	});

	it('is empty for a trader who never had a key', async () => {
		const trader = await aTraderCaller(bed);
		expect(await trader.api.apiKeys.activity()).toEqual({ items: [], nextCursor: null });
	});

	it('refuses a cursor that is not an entry id, and unknown fields', async () => {
		const trader = await aTraderCaller(bed);
		expect(await failureOf(trader.api.apiKeys.activity({ cursor: 'latest' }))).toMatchObject({
			code: 'BAD_REQUEST',
			fields: ['cursor']
		});
		expect(
			await failureOf(trader.api.apiKeys.activity({ userId: trader.user.id } as never))
		).toMatchObject({ code: 'BAD_REQUEST' });
	});
});

describe('support looking up a user', () => {
	it("sees the user's latest entries, newest first, each naming who did it and from where", async () => {
		const trader = await aTraderCaller(bed);
		const { key } = await trader.api.apiKeys.create({ label: 'quoter', access: 'TRADE' });
		await trader.api.apiKeys.revoke({ id: key.id });
		const { admin, api: adminApi } = await anAdminCaller();
		await adminApi.admin.users.revokeSessions({ userId: trader.user.id });

		const support = await callerFor(bed.services, await aSupportUser(bed.db));
		const { activity } = await support.admin.users.detail({ userId: trader.user.id });
		expect(activity.map((entry) => [entry.action, entry.actor.email])).toEqual([
			['SESSIONS_REVOKED', admin.email],
			['API_KEY_REVOKED', trader.user.email],
			['API_KEY_CREATED', trader.user.email]
		]);
		expect(activity[0]).toMatchObject({
			actor: { id: admin.id },
			clientAddress: CLIENT_ADDRESS,
			key: null,
			sessions: { revoked: 1, apiKeys: 0 }
		});
		expect(activity[1]!.key).toEqual({
			id: key.id,
			label: 'quoter',
			access: 'TRADE',
			hint: key.hint,
			expiresAt: key.expiresAt
		});

		const latest = await support.admin.users.detail({ userId: trader.user.id, activityLimit: 2 });
		expect(latest.activity.map(({ id }) => id)).toEqual(activity.slice(0, 2).map(({ id }) => id));
	});
});
