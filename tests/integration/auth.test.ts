import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginService } from '../../src/lib/server/auth/login';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import {
	createSession,
	findActiveSession,
	hashToken,
	revokeSession,
	revokeUserSessions
} from '../../src/lib/server/auth/sessions';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import { aTrader, TEST_PASSWORD } from '../fixtures/services';

let db: TestDatabase;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

const generous = {
	perEmail: { points: 100, durationSeconds: 60 },
	perAddress: { points: 100, durationSeconds: 60 }
};

describe('logging in', () => {
	it('with the right password returns a session whose token is stored only as its SHA-256', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, generous);
		const result = await login.login({
			email: user.email,
			password: TEST_PASSWORD,
			address: '10.0.0.1'
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.user.id).toBe(user.id);
		expect(await db.prisma.session.findUnique({ where: { id: result.token } })).toBeNull();
		const stored = await db.prisma.session.findUnique({ where: { id: hashToken(result.token) } });
		expect(stored?.userId).toBe(user.id);
		expect((await findActiveSession(db.prisma, result.token))?.user.email).toBe(user.email);
	});

	it('accepts the email in any case and with spaces around it', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, generous);
		const result = await login.login({
			email: `  ${user.email.toUpperCase()} `,
			password: TEST_PASSWORD,
			address: 'a'
		});
		expect(result.ok).toBe(true);
	});

	it('gives the same answer for a wrong password and an unknown email', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, generous);
		const wrong = await login.login({ email: user.email, password: 'not it', address: 'b' });
		const unknown = await login.login({
			email: 'nobody@test.betwise.dev',
			password: 'not it',
			address: 'b'
		});
		expect(wrong).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
		expect(unknown).toEqual(wrong);
	});

	it('does the same password work for an unknown email as for a known one (so timing tells nothing)', async () => {
		const user = await aTrader(db);
		const verified: string[] = [];
		const counting: typeof verifyPassword = async (password, stored) => {
			verified.push(stored.split('$').slice(0, 4).join('$'));
			return verifyPassword(password, stored);
		};
		const login = createLoginService(db.prisma, 24, generous, counting);
		await login.login({ email: user.email, password: 'not it', address: 'c' });
		await login.login({ email: 'nobody@test.betwise.dev', password: 'not it', address: 'c' });
		expect(verified).toHaveLength(2);
		expect(verified[1]).toBe(verified[0]);
	});

	it('refuses a disabled user with the same answer', async () => {
		const user = await aTrader(db);
		await db.prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
		const login = createLoginService(db.prisma, 24, generous);
		expect(await login.login({ email: user.email, password: TEST_PASSWORD, address: 'd' })).toEqual(
			{
				ok: false,
				code: 'INVALID_CREDENTIALS'
			}
		);
	});
});

describe('login rate limits', () => {
	it('locks an email after too many failures, even for the right password, and says how long', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, {
			perEmail: { points: 3, durationSeconds: 600 },
			perAddress: { points: 100, durationSeconds: 600 }
		});
		for (let i = 0; i < 3; i++) {
			await login.login({ email: user.email, password: 'guess', address: `10.0.1.${i}` });
		}
		const result = await login.login({
			email: user.email,
			password: TEST_PASSWORD,
			address: '10.0.1.99'
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.code).toBe('RATE_LIMITED');
		expect(result.code === 'RATE_LIMITED' && result.retryAfterMs).toBeGreaterThan(0);
	});

	it('locks an address that tries many emails', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, {
			perEmail: { points: 100, durationSeconds: 600 },
			perAddress: { points: 4, durationSeconds: 600 }
		});
		for (let i = 0; i < 4; i++) {
			await login.login({
				email: `guess${i}@test.betwise.dev`,
				password: 'guess',
				address: '10.9.9.9'
			});
		}
		const blocked = await login.login({
			email: user.email,
			password: TEST_PASSWORD,
			address: '10.9.9.9'
		});
		expect(blocked.ok === false && blocked.code).toBe('RATE_LIMITED');
		const elsewhere = await login.login({
			email: user.email,
			password: TEST_PASSWORD,
			address: '10.9.9.10'
		});
		expect(elsewhere.ok).toBe(true);
	});

	it("forgets an email's failures after a successful login", async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, {
			perEmail: { points: 3, durationSeconds: 600 },
			perAddress: { points: 100, durationSeconds: 600 }
		});
		await login.login({ email: user.email, password: 'guess', address: 'e' });
		await login.login({ email: user.email, password: 'guess', address: 'e' });
		expect(
			(await login.login({ email: user.email, password: TEST_PASSWORD, address: 'e' })).ok
		).toBe(true);
		await login.login({ email: user.email, password: 'guess', address: 'e' });
		await login.login({ email: user.email, password: 'guess', address: 'e' });
		expect(
			(await login.login({ email: user.email, password: TEST_PASSWORD, address: 'e' })).ok
		).toBe(true);
	});
});

describe('login failures in the database', () => {
	const strict = {
		perEmail: { points: 3, durationSeconds: 600 },
		perAddress: { points: 100, durationSeconds: 600 }
	};

	it('are counted once for all app processes: two login services share one limit', async () => {
		const user = await aTrader(db);
		const first = createLoginService(db.prisma, 24, strict);
		const second = createLoginService(db.prisma, 24, strict);
		await first.login({ email: user.email, password: 'guess', address: '10.2.0.1' });
		await second.login({ email: user.email, password: 'guess', address: '10.2.0.2' });
		await first.login({ email: user.email, password: 'guess', address: '10.2.0.3' });
		const result = await second.login({
			email: user.email,
			password: TEST_PASSWORD,
			address: '10.2.0.4'
		});
		expect(result.ok === false && result.code).toBe('RATE_LIMITED');
		expect(
			result.ok === false && result.code === 'RATE_LIMITED' && result.retryAfterMs
		).toBeGreaterThan(590_000);
	});

	it('count from one again once their window has ended', async () => {
		const user = await aTrader(db);
		const login = createLoginService(db.prisma, 24, {
			perEmail: { points: 1, durationSeconds: 0 },
			perAddress: { points: 1, durationSeconds: 0 }
		});
		for (let i = 0; i < 3; i++) {
			await login.login({ email: user.email, password: 'guess', address: '10.3.0.1' });
		}
		const { rows } = await db.pool.query<{ failures: number }>(
			`SELECT failures FROM login_failures WHERE key = $1`,
			[`email:${user.email}`]
		);
		expect(rows).toEqual([{ failures: 1 }]);
		expect(
			(await login.login({ email: user.email, password: TEST_PASSWORD, address: '10.3.0.1' })).ok
		).toBe(true);
	});

	it('delete windows that have ended as new failures come, so the table does not grow', async () => {
		await db.pool.query(
			`INSERT INTO login_failures (key, failures, window_ends_at)
			 SELECT 'address:ended-' || i, 1, now() - interval '1 hour' FROM generate_series(1, 30) i`
		);
		const login = createLoginService(db.prisma, 24, generous);
		await login.login({ email: 'nobody@test.betwise.dev', password: 'guess', address: '10.4.0.1' });
		const { rows } = await db.pool.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM login_failures WHERE key LIKE 'address:ended-%'`
		);
		expect(rows[0]!.n).toBe(10);
	});
});

describe('sessions', () => {
	it('are not found once expired', async () => {
		const user = await aTrader(db);
		const { token } = await createSession(db.prisma, user.id, 1);
		await db.prisma.session.update({
			where: { id: hashToken(token) },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		expect(await findActiveSession(db.prisma, token)).toBeNull();
	});

	it("are not found once revoked, one at a time or all of a user's", async () => {
		const user = await aTrader(db);
		const one = await createSession(db.prisma, user.id, 1);
		const two = await createSession(db.prisma, user.id, 1);
		const three = await createSession(db.prisma, user.id, 1);
		await revokeSession(db.prisma, hashToken(one.token));
		expect(await findActiveSession(db.prisma, one.token)).toBeNull();
		expect(await findActiveSession(db.prisma, two.token)).not.toBeNull();
		const byThemself = { id: user.id, clientAddress: null };
		expect(await revokeUserSessions(db.prisma, user.id, byThemself)).toHaveLength(2);
		expect(await findActiveSession(db.prisma, two.token)).toBeNull();
		expect(await findActiveSession(db.prisma, three.token)).toBeNull();
	});

	it("end only a user's live sessions when all are revoked, and record only those", async () => {
		const user = await aTrader(db);
		const live = await createSession(db.prisma, user.id, 1);
		const expired = await createSession(db.prisma, user.id, 1);
		await db.prisma.session.update({
			where: { id: hashToken(expired.token) },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		const byThemself = { id: user.id, clientAddress: null };
		expect(await revokeUserSessions(db.prisma, user.id, byThemself)).toEqual([
			hashToken(live.token)
		]);
		// Only expired ones left: nothing to end, and nothing recorded.
		expect(await revokeUserSessions(db.prisma, user.id, byThemself)).toEqual([]);
		const audit = await db.prisma.accountAudit.findMany({ where: { userId: user.id } });
		expect(audit.map((entry) => [entry.action, entry.detail])).toEqual([
			['SESSIONS_REVOKED', { revoked: 1, apiKeys: 0 }]
		]);
	});

	it('are not found for a token nobody issued, or none', async () => {
		expect(await findActiveSession(db.prisma, 'made-up-token')).toBeNull();
		expect(await findActiveSession(db.prisma, undefined)).toBeNull();
	});
});

describe('password hashes', () => {
	it('verify the right password only, and differ for the same password', async () => {
		const a = await hashPassword('s3cret');
		const b = await hashPassword('s3cret');
		expect(a).not.toBe(b);
		expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
		expect(await verifyPassword('s3cret', a)).toBe(true);
		expect(await verifyPassword('s3cret!', a)).toBe(false);
		expect(await verifyPassword('s3cret', 'garbage')).toBe(false);
	});
});
