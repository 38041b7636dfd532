// The procedure builders routers use: public, authed (a signed-in user), support (SUPPORT or
// ADMIN) and admin (ADMIN). Every mutation from a foreign Origin is refused here, once.
import type { Role } from '../db/generated/client';
import { domainError } from './errors';
import { t } from './init';

const refuseForeignOrigin = t.middleware(({ ctx, type, next }) => {
	if (type === 'mutation' && ctx.origin !== null && !ctx.allowedOrigins.includes(ctx.origin)) {
		throw domainError('FOREIGN_ORIGIN', `Requests from ${ctx.origin} are not allowed`);
	}
	return next();
});

export const publicProcedure = t.procedure.use(refuseForeignOrigin);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
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
