// The `lastEventId` of a stream resumed from the outbox (trades, prices, a market's status): the
// tracked id of the last event its client got, which tRPC's client sends back on reconnect. A
// cursor (see events/cursor.ts), or an event id as streams sent them before cursors.
import { z } from 'zod';
import { isEventCursor, MAX_CURSOR_LENGTH } from '$lib/server/events/cursor';

export const lastEventIdInput = z
	.string()
	.max(MAX_CURSOR_LENGTH)
	.refine(isEventCursor, { error: 'expected the id of an event this stream sent' })
	.nullish();
