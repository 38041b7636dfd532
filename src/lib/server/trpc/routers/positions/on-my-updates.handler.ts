// The signed-in trader's positions, sent again whenever one of their orders changes (a fill
// moves a position; a cancel frees locked shares). A burst of changes costs one read per change
// the stream delivers, and a stream that overflowed simply reads once more.
import { tracked } from '@trpc/server';
import { streamTopic } from '$lib/server/events';
import type { AuthedContext } from '../../context';
import { myPositions } from './mine.handler';

export async function* onMyPositionUpdates({
	ctx,
	signal
}: {
	ctx: AuthedContext;
	signal?: AbortSignal;
}) {
	let version = 0;
	yield tracked(`${++version}`, await myPositions({ ctx }));
	for await (const item of streamTopic(ctx.events, `user:${ctx.user.id}`, { signal })) {
		if (item.type === 'event' && item.event.kind !== 'order') continue;
		yield tracked(
			item.type === 'event' ? item.event.id : `${++version}`,
			await myPositions({ ctx })
		);
	}
}
