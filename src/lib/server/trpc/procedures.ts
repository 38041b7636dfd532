// The procedure builders routers use: public, authed (a signed-in user), web (signed in from a
// browser, not with an API key), support (SUPPORT or ADMIN) and admin (ADMIN). Every mutation
// from a foreign Origin is refused here, once, and so is every call with an API key that names
// no live session.
import type { Role } from '../db/generated/client';
import type { Context } from './context';
import { domainError } from './errors';
import { t } from './init';

/** What every call is checked for: its Origin (mutations), and an Authorization header that failed. */
function checkCaller(ctx: Context, type: string): void {
	if (type === 'mutation' && ctx.origin !== null && !ctx.allowedOrigins.includes(ctx.origin)) {
		throw domainError('FOREIGN_ORIGIN', `Requests from ${ctx.origin} are not allowed`);
	}
	if (ctx.invalidApiKey) {
		throw domainError(
			'INVALID_API_KEY',
			'The API key in the Authorization header is unknown, revoked or expired (send "Authorization: Bearer <key>")'
		);
	}
}

export const publicProcedure = t.procedure.use(({ ctx, type, next }) => {
	checkCaller(ctx, type);
	return next();
});

// The caller's checks and the session in one middleware: each level of tRPC's middleware chain
// copies the call's options, on every call.
export const authedProcedure = t.procedure.use(({ ctx, type, next }) => {
	checkCaller(ctx, type);
	if (!ctx.user || !ctx.session) throw domainError('NOT_SIGNED_IN', 'Sign in first');
	if (type === 'mutation' && ctx.session.access === 'READ') {
		throw domainError(
			'API_KEY_READ_ONLY',
			'This API key may only read: make a key with trade access to place, amend or cancel orders'
		);
	}
	// tRPC merges this into the context: only what changes (narrowed to non-null) is given.
	return next({ ctx: { user: ctx.user, session: ctx.session } });
});

/** Signed in from a browser: what an API key must not do (make keys, sign out, staff work). */
export const webProcedure = authedProcedure.use(({ ctx, next }) => {
	if (ctx.session.kind === 'API_KEY') {
		throw domainError(
			'API_KEY_NOT_ALLOWED',
			'An API key cannot do this: sign in on the site to manage API keys, sign out, or act as staff'
		);
	}
	return next();
});

const requireRole = (roles: readonly Role[]) =>
	webProcedure.use(({ ctx, next }) => {
		if (!roles.includes(ctx.user.role)) {
			throw domainError('ROLE_REQUIRED', `This needs the ${roles.join(' or ')} role`);
		}
		return next();
	});

export const supportProcedure = requireRole(['SUPPORT', 'ADMIN']);
export const adminProcedure = requireRole(['ADMIN']);
