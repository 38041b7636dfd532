// The trader's positions from the engine, with each one's market, option label, average price
// and PnL (realized from the engine, unrealized against the option's last trade price).
import type { AuthedContext } from '../../context';
import { callEngine } from '../../served';
import type { PositionSummary } from './mine.schema';
import { averagePriceCents, unrealizedPnlCents } from './pnl';

export async function myPositions({ ctx }: { ctx: AuthedContext }) {
	const { value: positions, served } = await callEngine(ctx, 'getPositions', (engines) =>
		engines.getPositions(ctx.user.id)
	);
	const options = await ctx.prisma.marketOption.findMany({
		where: { id: { in: positions.map((position) => position.optionId) } },
		select: {
			id: true,
			label: true,
			market: { select: { id: true, title: true, status: true } },
			book: { select: { lastPriceCents: true } }
		}
	});
	const optionById = new Map(options.map((option) => [option.id, option]));
	return {
		...served,
		positions: positions.flatMap((position): PositionSummary[] => {
			const option = optionById.get(position.optionId);
			if (!option) return [];
			const lastPriceCents = option.book?.lastPriceCents ?? null;
			return [
				{
					marketId: option.market.id,
					marketTitle: option.market.title,
					marketStatus: option.market.status,
					optionId: option.id,
					optionLabel: option.label,
					quantity: position.quantity,
					lockedQuantity: position.lockedQuantity,
					costBasisCents: position.costBasisCents,
					averagePriceCents: averagePriceCents(position.quantity, position.costBasisCents),
					realizedPnlCents: position.realizedPnlCents,
					lastPriceCents,
					unrealizedPnlCents: unrealizedPnlCents(
						position.quantity,
						position.costBasisCents,
						lastPriceCents
					)
				}
			];
		})
	};
}
