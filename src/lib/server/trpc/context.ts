// The one tRPC context, built the same way for HTTP requests, server-side page loads and
// WebSocket connections: the database, the signed-in session, and where the call came from.
import type { AccountActor } from '../auth/account-audit';
import type { ActiveSession } from '../auth/sessions';
import type { Services } from '../services';

export interface ContextInput {
	services: Services;
	session: ActiveSession | null;
	/** An Authorization header came that names no live session (false when none came). */
	invalidApiKey?: boolean;
	/** The Origin header of the request or WebSocket upgrade; null when the client sent none. */
	origin: string | null;
	/** Origins allowed to send mutations: the site's own and ORIGIN. */
	allowedOrigins: readonly string[];
	clientAddress: string;
}

export function createContext({
	services,
	session,
	invalidApiKey = false,
	origin,
	allowedOrigins,
	clientAddress
}: ContextInput) {
	return {
		db: services.db,
		prisma: services.db.prisma,
		env: services.env,
		/** The engine router: every engine call goes through it (flags, breaker, fallback). */
		engines: services.engines,
		engineMetrics: services.engineMetrics,
		flags: services.flags,
		orderEntryLimiter: services.orderEntryLimiter,
		logEngineCall: services.logEngineCall,
		events: services.events,
		sessions: services.sessions,
		session,
		user: session?.user ?? null,
		invalidApiKey,
		origin,
		allowedOrigins,
		clientAddress
	};
}

export type Context = ReturnType<typeof createContext>;

/** The context after the `authed` middleware: a signed-in user. */
export type AuthedContext = Context & {
	user: NonNullable<Context['user']>;
	session: NonNullable<Context['session']>;
};

/** The signed-in caller as the account audit names them: who, and from which client address. */
export function actorOf(ctx: AuthedContext): AccountActor {
	return { id: ctx.user.id, clientAddress: ctx.clientAddress || null };
}
