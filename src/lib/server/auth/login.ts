// Email + password login, rate-limited per email and per client address so that guessing a
// password is slow from one place and slow for one account spread over many places. Failures
// are counted in the database, so the limits hold however many app processes serve logins.
import type { PrismaClient } from '../db/generated/client';
import { loginFailures, type FailureLimit } from './login-failures';
import { decoyHash, verifyPassword } from './password';
import { createSession, type SessionUser } from './sessions';

export type LoginResult =
	| { ok: true; user: SessionUser; token: string; expiresAt: Date }
	| { ok: false; code: 'INVALID_CREDENTIALS' }
	| { ok: false; code: 'RATE_LIMITED'; retryAfterMs: number };

export interface LoginLimits {
	perEmail: FailureLimit;
	perAddress: FailureLimit;
}

export const defaultLoginLimits: LoginLimits = {
	perEmail: { points: 5, durationSeconds: 15 * 60 },
	perAddress: { points: 30, durationSeconds: 15 * 60 }
};

export function createLoginService(
	prisma: PrismaClient,
	sessionTtlHours: number,
	limits = defaultLoginLimits,
	verify: typeof verifyPassword = verifyPassword
) {
	const failures = loginFailures(prisma);
	const keysFor = (email: string, address: string) => [
		{ key: `email:${email}`, limit: limits.perEmail },
		{ key: `address:${address}`, limit: limits.perAddress }
	];

	return {
		async login(input: {
			email: string;
			password: string;
			address: string;
			userAgent?: string | null;
		}): Promise<LoginResult> {
			const email = input.email.trim().toLowerCase();
			const keys = keysFor(email, input.address);
			const retryAfterMs = await failures.lockedForMs(keys);
			if (retryAfterMs > 0) return { ok: false, code: 'RATE_LIMITED', retryAfterMs };

			const user = await prisma.user.findUnique({ where: { email } });
			const valid = await verify(input.password, user?.passwordHash ?? (await decoyHash()));
			if (!user || !valid || user.disabledAt) {
				await failures.record(keys);
				return { ok: false, code: 'INVALID_CREDENTIALS' };
			}
			await failures.forget(keys[0]!.key);
			const { token, expiresAt } = await createSession(prisma, user.id, sessionTtlHours, {
				userAgent: input.userAgent,
				ipAddress: input.address
			});
			return {
				ok: true,
				token,
				expiresAt,
				user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role }
			};
		}
	};
}

export type LoginService = ReturnType<typeof createLoginService>;
