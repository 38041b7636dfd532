// Who may read /metrics: a scraper presenting METRICS_TOKEN as a bearer token, or signed-in
// support staff. Engine call counts and latencies describe the exchange's traffic, so nobody
// else gets them.
import { timingSafeEqual } from 'node:crypto';

export type MetricsAccess =
	{ ok: true } | { ok: false; status: 401 | 403; headers: Record<string, string>; message: string };

const STAFF = new Set(['SUPPORT', 'ADMIN']);

function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsAccess({
	authorization,
	token,
	role
}: {
	/** The request's Authorization header. */
	authorization: string | null;
	/** METRICS_TOKEN; without it only staff sessions are let in. */
	token: string | undefined;
	/** The signed-in user's role, if anyone is signed in. */
	role: string | null;
}): MetricsAccess {
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
	if (bearer !== undefined) {
		if (token !== undefined && sameSecret(bearer, token)) return { ok: true };
		return {
			ok: false,
			status: 401,
			headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
			message: 'That token does not open /metrics'
		};
	}
	if (role !== null && STAFF.has(role)) return { ok: true };
	if (role !== null) {
		return { ok: false, status: 403, headers: {}, message: '/metrics is for support staff' };
	}
	return {
		ok: false,
		status: 401,
		headers: { 'www-authenticate': 'Bearer' },
		message: '/metrics needs METRICS_TOKEN as a bearer token, or a support session'
	};
}
