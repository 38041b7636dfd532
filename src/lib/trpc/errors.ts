// API errors in words a trader understands, from the domain code the server puts in
// `error.data` (never from parsing messages).
import { TRPCClientError } from '@trpc/client';

const domainText: Record<string, string> = {
	NOT_SIGNED_IN: 'Your session has ended. Sign in again to continue.',
	ROLE_REQUIRED: 'Your account is not allowed to do this.',
	FOREIGN_ORIGIN: 'This request came from another site and was refused.',
	MARKET_NOT_FOUND: 'This market no longer exists.',
	UNKNOWN_OPTION: 'This option is not part of the market.',
	UNKNOWN_ORDER: 'That order is no longer open.',
	MARKET_NOT_OPEN: 'This market is not open for trading right now.',
	INSUFFICIENT_FUNDS: 'You do not have enough available cash for this change.',
	ORDER_NOT_AMENDABLE: 'The new quantity must be more than what has already filled.',
	NOTHING_TO_AMEND: 'The new price and quantity are the same as before.',
	POST_ONLY_WOULD_CROSS: 'At that price the post-only order would trade at once.',
	CLIENT_ORDER_ID_IN_USE: 'That order reference is already used by another of your orders.',
	INVALID_TRANSITION: 'The market cannot move to that status from where it is now.',
	API_KEY_LIMIT: 'You already hold the most API keys there may be. Revoke one first.',
	UNKNOWN_API_KEY: 'That API key is already revoked or expired.'
};

interface ErrorData {
	domainCode?: string | null;
	retryAfterMs?: number | null;
	fieldErrors?: Record<string, string[] | undefined> | null;
}

/** One sentence for any error a call threw. */
export function describeApiError(error: unknown): string {
	if (error instanceof TRPCClientError) {
		const data = (error.data ?? {}) as ErrorData;
		if (data.domainCode === 'RATE_LIMITED') {
			const seconds = Math.max(1, Math.ceil((data.retryAfterMs ?? 1000) / 1000));
			return `Too many requests. Try again in ${seconds} s.`;
		}
		if (data.domainCode && domainText[data.domainCode]) return domainText[data.domainCode]!;
		if (data.fieldErrors) {
			const first = Object.entries(data.fieldErrors).find(([, messages]) => messages?.length);
			// The key "" holds what is wrong with the input as a whole: there is no field to name.
			if (first) return first[0] ? `Check ${first[0]}: ${first[1]![0]}.` : `${first[1]![0]}.`;
		}
		// No data means no answer from the server at all: the network failed on the way.
		if (!error.data) return 'Could not reach BetWise. Check your connection.';
		return error.message || 'Something went wrong. Try again.';
	}
	return 'Something went wrong. Try again.';
}

/** The domain code the server answered with (e.g. `INSUFFICIENT_FUNDS`), or null. */
export function domainCodeOf(error: unknown): string | null {
	if (!(error instanceof TRPCClientError)) return null;
	return (error.data as ErrorData | undefined)?.domainCode ?? null;
}

/** True when the error says the session is gone: retrying cannot help until the trader signs in. */
export function isSignedOut(error: unknown): boolean {
	return (
		error instanceof TRPCClientError &&
		(error.data as ErrorData | undefined)?.domainCode === 'NOT_SIGNED_IN'
	);
}
