// An option the books are read for must exist: one that does not is refused with
// UNKNOWN_OPTION, as books.get refuses it, not answered as an option that has not traded yet.
import type { Context } from '../../context';
import { domainError } from '../../errors';

export async function requireOption(ctx: Pick<Context, 'prisma'>, optionId: string) {
	const option = await ctx.prisma.marketOption.findUnique({
		where: { id: optionId },
		select: { id: true }
	});
	if (!option) throw domainError('UNKNOWN_OPTION', `No option ${optionId}`);
}
