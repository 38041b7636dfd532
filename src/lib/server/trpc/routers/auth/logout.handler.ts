// Ends the caller's session and closes its live sockets; the page that called it also clears
// the cookie.
import { revokeSession } from '$lib/server/auth/sessions';
import { closeSessionSockets } from '$lib/server/ws/registry';
import type { Context } from '../../context';

export async function logout({
	ctx
}: {
	ctx: Context & { session: NonNullable<Context['session']> };
}) {
	await revokeSession(ctx.prisma, ctx.session.id);
	closeSessionSockets(ctx.session.id);
	return { ok: true as const };
}
