// The trader's cash: available (TRADER_CASH), reserved by resting orders (TRADER_RESERVED), total.
import type { AuthedContext } from '../../context';

export async function myBalance({ ctx }: { ctx: AuthedContext }) {
	const accounts = await ctx.prisma.account.findMany({
		where: { userId: ctx.user.id, kind: { in: ['TRADER_CASH', 'TRADER_RESERVED'] } },
		select: { kind: true, balanceCents: true }
	});
	const balance = (kind: string) =>
		Number(accounts.find((account) => account.kind === kind)?.balanceCents ?? 0n);
	const availableCents = balance('TRADER_CASH');
	const reservedCents = balance('TRADER_RESERVED');
	return { cashCents: availableCents + reservedCents, reservedCents, availableCents };
}
