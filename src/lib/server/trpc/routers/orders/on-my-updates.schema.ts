import { z } from 'zod';

export const onMyUpdatesInput = z
	.strictObject({
		/**
		 * tRPC's reconnect cursor: the id of the last update the client received. An outbox event
		 * id is replayed after; anything else (the marker of a resync, an id older than the outbox
		 * holds or past its newest) gets a resync.
		 */
		lastEventId: z.string().max(64).nullish()
	})
	.optional();

export type OnMyUpdatesInput = z.infer<typeof onMyUpdatesInput>;
