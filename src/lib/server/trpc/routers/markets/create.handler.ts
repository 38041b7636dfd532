// ADMIN creates an OPEN market with its options and an empty book per option, in one
// transaction (the database makes each book's collateral account with it) that also writes the
// market's first audit entry.
import { randomBytes } from 'node:crypto';
import type { MarketAuditState } from '$lib/shared/market-audit';
import type { AuthedContext } from '../../context';
import { marketActorOf } from './actor';
import type { CreateInput } from './create.schema';
import { marketSummarySelect, toMarketSummary } from './summary';

/** "Who wins the 2028 election?" → "who-wins-the-2028-election-3f9a1c". */
export function slugFor(title: string): string {
	const base = title
		.normalize('NFKD')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return `${base || 'market'}-${randomBytes(3).toString('hex')}`;
}

export async function createMarket({ ctx, input }: { ctx: AuthedContext; input: CreateInput }) {
	const by = marketActorOf(ctx, input);
	const market = await ctx.prisma.$transaction(async (tx) => {
		const created = await tx.market.create({
			data: {
				slug: slugFor(input.title),
				title: input.title,
				description: input.description,
				category: input.category,
				closesAt: input.closesAt,
				status: 'OPEN',
				options: {
					create: input.options.map((label, sortOrder) => ({
						label,
						sortOrder,
						book: { create: {} }
					}))
				}
			},
			select: marketSummarySelect
		});
		const after: MarketAuditState = {
			status: created.status,
			closesAt: created.closesAt.toISOString(),
			title: created.title,
			options: created.options.map(({ id, label }) => ({ id, label }))
		};
		await tx.marketAudit.create({
			data: {
				marketId: created.id,
				action: 'CREATE',
				actorId: by.actorId,
				reason: by.reason ?? null,
				after: { ...after }
			}
		});
		return created;
	});
	return toMarketSummary(market);
}
