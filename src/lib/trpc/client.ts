// The browser's tRPC client: subscriptions over the WebSocket on /trpc (same origin, the session
// cookie goes with the upgrade), queries and mutations over batched HTTP. Only the router's type
// is imported from the server.
import {
	createTRPCClient,
	createWSClient,
	httpBatchLink,
	splitLink,
	wsLink,
	type TRPCClient
} from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '$lib/server/trpc/root';
import { SESSION_CLOSE_CODE } from '$lib/shared/socket';
import { connection } from './connection.svelte';

let client: TRPCClient<AppRouter> | undefined;

function socketUrl(): string {
	const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
	return `${scheme}://${location.host}/trpc`;
}

/** The one client of this tab, made on first use (browser only). */
export function trpc(): TRPCClient<AppRouter> {
	if (client) return client;
	const wsClient = createWSClient({
		url: socketUrl,
		// Come back quickly after a restart or a network blip; never wait more than 5 s.
		retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
		keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 4_000 },
		onOpen: () => connection.opened(),
		onClose: (cause) => {
			connection.lost();
			if (cause?.code === SESSION_CLOSE_CODE) connection.sessionEnded();
		}
	});
	client = createTRPCClient<AppRouter>({
		links: [
			splitLink({
				condition: (op) => op.type === 'subscription',
				true: wsLink({ client: wsClient, transformer: superjson }),
				false: httpBatchLink({ url: '/trpc', transformer: superjson })
			})
		]
	});
	return client;
}
