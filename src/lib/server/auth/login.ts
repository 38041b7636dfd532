// Email + password login, rate-limited per email and per client address so that guessing a
// password is slow from one place and slow for one account spread over many places.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../db/generated/client';
import { decoyHash, verifyPassword } from './password';
import { createSession, type SessionUser } from './sessions';

export type LoginResult =
	| { ok: true; user: SessionUser; token: string; expiresAt: Date }
	| { ok: false; code: 'INVALID_CREDENTIALS' }
	| { ok: false; code: 'RATE_LIMITED'; retryAfterMs: number };

export interface LoginLimits {
	perEmail: { points: number; durationSeconds: number };
	perAddress: { points: number; durationSeconds: number };
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
	const byEmail = new RateLimiterMemory({
		keyPrefix: 'login-email',
		points: limits.perEmail.points,
		duration: limits.perEmail.durationSeconds
	});
	const byAddress = new RateLimiterMemory({
		keyPrefix: 'login-address',
		points: limits.perAddress.points,
		duration: limits.perAddress.durationSeconds
	});

	/** How long the caller must wait, or 0; counts nothing. */
	async function blockedForMs(email: string, address: string): Promise<number> {
		const [emailState, addressState] = await Promise.all([
			byEmail.get(email),
			byAddress.get(address)
		]);
		const waits = [
			[emailState, limits.perEmail.points],
			[addressState, limits.perAddress.points]
		] as const;
		let wait = 0;
		for (const [state, points] of waits) {
			if (state && state.consumedPoints >= points) wait = Math.max(wait, state.msBeforeNext);
		}
		return wait;
	}

	async function recordFailure(email: string, address: string): Promise<void> {
		await Promise.all([byEmail.penalty(email, 1), byAddress.penalty(address, 1)]).catch(
			(error: unknown) => {
				if (!(error instanceof RateLimiterRes)) throw error;
			}
		);
	}

	return {
		async login(input: {
			email: string;
			password: string;
			address: string;
			userAgent?: string | null;
		}): Promise<LoginResult> {
			const email = input.email.trim().toLowerCase();
			const retryAfterMs = await blockedForMs(email, input.address);
			if (retryAfterMs > 0) return { ok: false, code: 'RATE_LIMITED', retryAfterMs };

			const user = await prisma.user.findUnique({ where: { email } });
			const valid = await verify(input.password, user?.passwordHash ?? (await decoyHash()));
			if (!user || !valid || user.disabledAt) {
				await recordFailure(email, input.address);
				return { ok: false, code: 'INVALID_CREDENTIALS' };
			}
			await byEmail.delete(email);
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
