// The signed-in trader's order changes (status, fills) as their transactions commit.
import { tracked } from '@trpc/server';
import { streamTopic } from '$lib/server/events';
import type { OrderView } from '$lib/shared/orders';
import type { AuthedContext } from '../../context';

export async function* onMyOrderUpdates({
	ctx,
	signal
}: {
	ctx: AuthedContext;
	signal?: AbortSignal;
}) {
	for await (const item of streamTopic(ctx.events, `user:${ctx.user.id}`, { signal })) {
		if (item.type === 'overflow') {
			yield tracked(`overflow-${Date.now()}`, { type: 'resync' as const });
		} else if (item.event.kind === 'order') {
			yield tracked(item.event.id, {
				type: 'order' as const,
				order: item.event.payload as OrderView
			});
		}
	}
}
