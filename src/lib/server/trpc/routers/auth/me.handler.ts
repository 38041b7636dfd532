// Who is signed in (null when nobody is).
import type { Context } from '../../context';

export function me({ ctx }: { ctx: Context }) {
	return ctx.user;
}
