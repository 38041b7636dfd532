import { z } from 'zod';
import { MAX_CURSOR_LENGTH } from '$lib/server/events/cursor';

export const onMyUpdatesInput = z
	.strictObject({
		/**
		 * tRPC's reconnect cursor: the tracked id of the last update the client received. What
		 * it missed is replayed; anything else (the marker of a resync, a cursor older than the
		 * outbox holds or not handed out here) gets a resync.
		 */
		lastEventId: z.string().max(MAX_CURSOR_LENGTH).nullish()
	})
	.optional();

export type OnMyUpdatesInput = z.infer<typeof onMyUpdatesInput>;
