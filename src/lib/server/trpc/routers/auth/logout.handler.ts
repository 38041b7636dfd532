// Ends the caller's session and closes its live sockets; the page that called it also clears
// the cookie.
import { revokeSession } from '$lib/server/auth/sessions';
import type { Context } from '../../context';

export async function logout({
	ctx
}: {
	ctx: Context & { session: NonNullable<Context['session']> };
}) {
	await revokeSession(ctx.prisma, ctx.session.id);
	// At once here; other processes hear it through the outbox.
	ctx.sessions.forget([ctx.session.id]);
	return { ok: true as const };
}
