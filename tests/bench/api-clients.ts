// The API benchmark's 64 trading clients, in a process of their own so that they do not take
// the server's CPU: real @trpc/client with httpBatchLink and a session cookie each, placing the
// seeded order flow closed-loop. Started by api.ts, which sends the setup and gets the figures.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../src/lib/server/trpc/root';
import type { BenchDatabase } from './bench-database';
import { limitOrderFlow, runClosedLoop } from './bench-database';

export interface ApiClientsSetup {
	origin: string;
	/** One session token per client. */
	tokens: string[];
	books: BenchDatabase['books'];
	orders: number;
	seed: number;
}

process.once('message', async (setup: ApiClientsSetup) => {
	const clients = setup.tokens.map((token) =>
		createTRPCClient<AppRouter>({
			links: [
				httpBatchLink({
					url: `${setup.origin}/trpc`,
					transformer: superjson,
					headers: { cookie: `betwise_session=${token}`, origin: setup.origin }
				})
			]
		})
	);
	const figures = await runClosedLoop(
		limitOrderFlow(setup.books, setup.orders, setup.seed),
		clients.length,
		async (client, input) => {
			await clients[client]!.orders.place.mutate(input);
		}
	);
	process.send!(figures, () => process.exit(0));
});
