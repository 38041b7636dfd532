// Support staff look one user up: their cash, open positions, recent orders (each with the
// engine that served it), live API keys and account activity, so a question about "my order" (or
// a program trading as them, or who made or revoked its key) can be answered without the
// database.
import { readAccountAudit } from '$lib/server/auth/account-audit';
import { listApiKeys } from '$lib/server/auth/api-keys';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import { averagePriceCents, unrealizedPnlCents } from '../positions/pnl';
import type { UserDetail, UserDetailInput } from './users-detail.schema';
import { readUserOrders } from './users-orders.handler';

export async function userDetail({
	ctx,
	input
}: {
	ctx: Context;
	input: UserDetailInput;
}): Promise<UserDetail> {
	const found = await ctx.prisma.user.findUnique({
		where: { id: input.userId },
		select: {
			id: true,
			email: true,
			displayName: true,
			role: true,
			createdAt: true,
			disabledAt: true
		}
	});
	if (!found) throw domainError('USER_NOT_FOUND', 'No such user');
	const { disabledAt, ...user } = found;

	const [accounts, positions, orders, apiKeys, activity] = await Promise.all([
		ctx.prisma.account.findMany({
			where: { userId: user.id, kind: { in: ['TRADER_CASH', 'TRADER_RESERVED'] } },
			select: { kind: true, balanceCents: true }
		}),
		ctx.prisma.position.findMany({
			where: { userId: user.id, NOT: { quantity: 0, realizedPnlCents: 0n } },
			orderBy: { updatedAt: 'desc' },
			select: {
				quantity: true,
				lockedQuantity: true,
				costBasisCents: true,
				realizedPnlCents: true,
				option: {
					select: {
						id: true,
						label: true,
						market: { select: { id: true, title: true, status: true } },
						book: { select: { lastPriceCents: true } }
					}
				}
			}
		}),
		readUserOrders(ctx.prisma, user.id, { limit: input.orderLimit }),
		listApiKeys(ctx.prisma, user.id),
		readAccountAudit(ctx.prisma, user.id, { limit: input.activityLimit })
	]);

	const balanceOf = (kind: string) =>
		Number(accounts.find((account) => account.kind === kind)?.balanceCents ?? 0n);
	const availableCents = balanceOf('TRADER_CASH');
	const reservedCents = balanceOf('TRADER_RESERVED');

	return {
		user: { ...user, disabled: disabledAt !== null },
		balance: { cashCents: availableCents + reservedCents, reservedCents, availableCents },
		positions: positions.map((position) => {
			const costBasisCents = Number(position.costBasisCents);
			const lastPriceCents = position.option.book?.lastPriceCents ?? null;
			return {
				marketId: position.option.market.id,
				marketTitle: position.option.market.title,
				marketStatus: position.option.market.status,
				optionId: position.option.id,
				optionLabel: position.option.label,
				quantity: position.quantity,
				lockedQuantity: position.lockedQuantity,
				costBasisCents,
				averagePriceCents: averagePriceCents(position.quantity, costBasisCents),
				realizedPnlCents: Number(position.realizedPnlCents),
				lastPriceCents,
				unrealizedPnlCents: unrealizedPnlCents(position.quantity, costBasisCents, lastPriceCents)
			};
		}),
		orders: orders.orders,
		ordersNextCursor: orders.nextCursor,
		apiKeys,
		activity: activity.items,
		activityNextCursor: activity.nextCursor
	};
}
