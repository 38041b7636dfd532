// Which engine would serve this user (in this market) from this process, and which rule decided:
// the same resolver and cached flags the engine router uses.
import { domainError } from '../../../errors';
import type { ExplainInput } from './explain.schema';
import type { FlagsContext } from './flags-procedure';

export async function explainEngine({ ctx, input }: { ctx: FlagsContext; input: ExplainInput }) {
	const [user, market] = await Promise.all([
		ctx.prisma.user.findUnique({ where: { id: input.userId }, select: { id: true } }),
		input.marketId
			? ctx.prisma.market.findUnique({ where: { id: input.marketId }, select: { id: true } })
			: null
	]);
	if (!user) throw domainError('USER_NOT_FOUND', `No user ${input.userId}`);
	if (input.marketId && !market)
		throw domainError('MARKET_NOT_FOUND', `No market ${input.marketId}`);
	return ctx.flags.resolver.explain({ userId: user.id, marketId: input.marketId ?? null });
}
