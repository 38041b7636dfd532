// Ends the caller's session; the page that called it also clears the cookie.
import { revokeSession } from '$lib/server/auth/sessions';
import type { Context } from '../../context';

export async function logout({
	ctx
}: {
	ctx: Context & { session: NonNullable<Context['session']> };
}) {
	await revokeSession(ctx.prisma, ctx.session.id);
	return { ok: true as const };
}
