// Per-user rate limit on order entry (place, placeBatch, amend), in memory per process: a
// runaway client is slowed down before it reaches the engine. Cancels are never limited.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface OrderEntryLimits {
	/** Orders a user may enter per window (a batch counts each of its orders). */
	points: number;
	durationSeconds: number;
}

export const defaultOrderEntryLimits: OrderEntryLimits = { points: 50, durationSeconds: 1 };

export interface OrderEntryLimiter {
	/** Counts `orders` entries for the user; returns 0 when allowed, else how long to wait. */
	consume(userId: string, orders?: number): Promise<number>;
}

export function createOrderEntryLimiter(
	limits: OrderEntryLimits = defaultOrderEntryLimits
): OrderEntryLimiter {
	const limiter = new RateLimiterMemory({
		keyPrefix: 'order-entry',
		points: limits.points,
		duration: limits.durationSeconds
	});
	return {
		async consume(userId, orders = 1) {
			try {
				await limiter.consume(userId, orders);
				return 0;
			} catch (error) {
				// rate-limiter-flexible rejects with a RateLimiterRes when the user is over the limit.
				if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
				throw error;
			}
		}
	};
}
