// The procedure builders routers use: public, authed (a signed-in user), support (SUPPORT or
// ADMIN) and admin (ADMIN). Every mutation from a foreign Origin is refused here, once.
import type { Role } from '../db/generated/client';
import type { Context } from './context';
import { domainError } from './errors';
import { t } from './init';

/** Every mutation from a foreign Origin is refused. */
function checkOrigin(ctx: Context, type: string): void {
	if (type === 'mutation' && ctx.origin !== null && !ctx.allowedOrigins.includes(ctx.origin)) {
		throw domainError('FOREIGN_ORIGIN', `Requests from ${ctx.origin} are not allowed`);
	}
}

export const publicProcedure = t.procedure.use(({ ctx, type, next }) => {
	checkOrigin(ctx, type);
	return next();
});

// The origin and the session in one middleware: each level of tRPC's middleware chain copies
// the call's options, on every call.
export const authedProcedure = t.procedure.use(({ ctx, type, next }) => {
	checkOrigin(ctx, type);
	if (!ctx.user || !ctx.session) throw domainError('NOT_SIGNED_IN', 'Sign in first');
	// tRPC merges this into the context: only what changes (narrowed to non-null) is given.
	return next({ ctx: { user: ctx.user, session: ctx.session } });
});

const requireRole = (roles: readonly Role[]) =>
	authedProcedure.use(({ ctx, next }) => {
		if (!roles.includes(ctx.user.role)) {
			throw domainError('ROLE_REQUIRED', `This needs the ${roles.join(' or ')} role`);
		}
		return next();
	});

export const supportProcedure = requireRole(['SUPPORT', 'ADMIN']);
export const adminProcedure = requireRole(['ADMIN']);
