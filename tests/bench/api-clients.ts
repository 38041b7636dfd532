// The API benchmark's 64 trading clients, in a process of their own so that they do not take
// the server's CPU: real @trpc/client with httpBatchLink and a session cookie each, placing the
// seeded order flow closed-loop. Started by api.ts, which sends the setup and gets the figures.
// The link's `fetch` is a small one over node:http with a keep-alive agent rather than Node's
// undici fetch, which costs the client process more CPU than the server spends on a call: a
// real client picks its own HTTP stack, and this one keeps the client from being the bottleneck.
import { Agent, request } from 'node:http';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../src/lib/server/trpc/root';
import type { BenchDatabase } from './bench-database';
import { limitOrderFlow, runClosedLoop } from './bench-database';

export interface ApiClientsSetup {
	/** Where the server listens. */
	url: string;
	/** The Origin header: the site's own origin. */
	origin: string;
	/** One session token per client. */
	tokens: string[];
	books: BenchDatabase['books'];
	orders: number;
	seed: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface FetchInit {
	method?: string;
	headers?: Record<string, string>;
	body?: string;
}

/** Just what httpBatchLink reads of a fetch: status, headers and `json()`. */
function nodeFetch(url: string, init: FetchInit = {}) {
	return new Promise((resolve, reject) => {
		const req = request(
			url,
			{ agent, method: init.method ?? 'GET', headers: init.headers },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.once('error', reject);
				res.once('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					const status = res.statusCode ?? 0;
					resolve({
						ok: status >= 200 && status < 300,
						status,
						headers: new Headers(res.headers as Record<string, string>),
						json: () => Promise.resolve(JSON.parse(text) as unknown),
						text: () => Promise.resolve(text)
					});
				});
			}
		);
		req.once('error', reject);
		req.end(init.body);
	});
}

process.once('message', async (setup: ApiClientsSetup) => {
	const clients = setup.tokens.map((token) =>
		createTRPCClient<AppRouter>({
			links: [
				httpBatchLink({
					url: `${setup.url}/trpc`,
					transformer: superjson,
					fetch: nodeFetch as unknown as typeof fetch,
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
