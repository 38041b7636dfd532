// The user a support procedure names, checked to exist before anything is read or changed for
// them, so an unknown id is answered as one (USER_NOT_FOUND) whatever else the input says.
import type { Context } from '../../context';
import { domainError } from '../../errors';

export async function existingUserId(
	ctx: Pick<Context, 'prisma'>,
	userId: string
): Promise<string> {
	const user = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
	if (!user) throw domainError('USER_NOT_FOUND', 'No such user');
	return user.id;
}
