// Domain failures as data: a handler returns or throws a DomainError with a code, mapped once
// here to the tRPC error a client sees (the code stays in `error.data.domainCode`).
import { TRPCError } from '@trpc/server';

type TrpcCode = TRPCError['code'];

/** Every domain code the API can answer with, and the tRPC code it maps to. */
export const domainCodes = {
	INVALID_CREDENTIALS: 'UNAUTHORIZED',
	RATE_LIMITED: 'TOO_MANY_REQUESTS',
	FOREIGN_ORIGIN: 'FORBIDDEN',
	NOT_SIGNED_IN: 'UNAUTHORIZED',
	INVALID_API_KEY: 'UNAUTHORIZED',
	API_KEY_READ_ONLY: 'FORBIDDEN',
	API_KEY_NOT_ALLOWED: 'FORBIDDEN',
	API_KEY_LIMIT: 'PRECONDITION_FAILED',
	UNKNOWN_API_KEY: 'NOT_FOUND',
	ROLE_REQUIRED: 'FORBIDDEN',
	MARKET_NOT_FOUND: 'NOT_FOUND',
	USER_NOT_FOUND: 'NOT_FOUND',
	NOT_A_TRADER: 'PRECONDITION_FAILED',
	UNKNOWN_OPTION: 'NOT_FOUND',
	UNKNOWN_ORDER: 'NOT_FOUND',
	MARKET_NOT_OPEN: 'PRECONDITION_FAILED',
	INSUFFICIENT_FUNDS: 'BAD_REQUEST',
	ORDER_NOT_AMENDABLE: 'PRECONDITION_FAILED',
	NOTHING_TO_AMEND: 'BAD_REQUEST',
	POST_ONLY_WOULD_CROSS: 'PRECONDITION_FAILED',
	CLIENT_ORDER_ID_IN_USE: 'CONFLICT',
	INVALID_TRANSITION: 'PRECONDITION_FAILED'
} as const satisfies Record<string, TrpcCode>;

export type DomainCode = keyof typeof domainCodes;

export class DomainError extends Error {
	override name = 'DomainError';
	constructor(
		readonly code: DomainCode,
		message: string,
		/** How long to wait before trying again, for RATE_LIMITED. */
		readonly retryAfterMs: number | null = null
	) {
		super(message);
	}
}

/** The TRPCError for a domain code; its cause keeps the code for the error formatter. */
export function domainError(
	code: DomainCode,
	message: string,
	{ retryAfterMs = null }: { retryAfterMs?: number | null } = {}
): TRPCError {
	return new TRPCError({
		code: domainCodes[code],
		message,
		cause: new DomainError(code, message, retryAfterMs)
	});
}

/**
 * The HTTP headers an answer with these errors carries: `Retry-After` (whole seconds, at least
 * 1) when a call was refused for a rate limit, for clients and proxies that read the header
 * rather than `data.retryAfterMs`. In a batch, the longest wait of its calls.
 */
export function headersForErrors(errors: readonly TRPCError[]): Record<string, string> {
	let waitMs = 0;
	for (const error of errors) {
		const cause = error.cause;
		if (cause instanceof DomainError && cause.retryAfterMs !== null) {
			waitMs = Math.max(waitMs, cause.retryAfterMs);
		}
	}
	return waitMs > 0 ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } : {};
}
