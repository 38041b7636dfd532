// Where a request's credential comes from: the `betwise_session` cookie a browser holds, or, on
// the API (/trpc over HTTP and WebSocket), `Authorization: Bearer <token>` that a program sends
// with an API key. One reading for SvelteKit's hook, the node-level /trpc handler and the
// WebSocket upgrade.
import type { SessionCache } from './session-cache';
import { SESSION_COOKIE, type ActiveSession } from './sessions';

export interface Credential {
	token: string | undefined;
	/** The request sent an Authorization header: when it names no live session, say so. */
	bearer: boolean;
}

/** The session cookie as SvelteKit's `cookies.get` reads it (the `cookie` package's parse). */
export function sessionCookieOf(header: string | undefined | null): string | undefined {
	if (!header) return undefined;
	let index = 0;
	while (index < header.length) {
		const eq = header.indexOf('=', index);
		if (eq === -1) break;
		let end = header.indexOf(';', index);
		if (end === -1) end = header.length;
		else if (end < eq) {
			index = header.lastIndexOf(';', eq - 1) + 1;
			continue;
		}
		if (header.slice(index, eq).trim() === SESSION_COOKIE) {
			let value = header.slice(eq + 1, end).trim();
			if (value.charCodeAt(0) === 0x22) value = value.slice(1, -1);
			if (value.indexOf('%') === -1) return value;
			try {
				return decodeURIComponent(value);
			} catch {
				return value;
			}
		}
		index = end + 1;
	}
	return undefined;
}

/**
 * An API request's credential: the Authorization header when there is one (a malformed one
 * names no session, rather than falling back to the cookie), else the session cookie.
 */
export function apiCredentialOf(headers: {
	authorization?: string | null;
	cookie?: string | null;
}): Credential {
	const { authorization } = headers;
	if (authorization === undefined || authorization === null) {
		return { token: sessionCookieOf(headers.cookie), bearer: false };
	}
	const match = /^Bearer +(\S+) *$/i.exec(authorization);
	return { token: match?.[1], bearer: true };
}

/** Who a credential signs in, and whether it was an Authorization header that names nobody. */
export interface SignIn {
	session: ActiveSession | null;
	/** An Authorization header came, and it names no live session: a program's key is wrong. */
	invalidApiKey: boolean;
}

export async function signInOf(
	sessions: Pick<SessionCache, 'find'>,
	credential: Credential
): Promise<SignIn> {
	const session = await sessions.find(credential.token);
	return { session, invalidApiKey: credential.bearer && session === null };
}
