// The API benchmark's 64 trading clients, in a process of their own: real @trpc/client with
// httpBatchLink and a session cookie each, placing the seeded order flow closed-loop. Started by
// api.ts, which sends the setup and gets the figures.
//
// The clients share the server's two cores, so whatever they spend is taken from the server
// being measured. The link's `fetch` is therefore a small HTTP/1.1 one over one keep-alive
// socket per client, reading just what httpBatchLink reads (status and JSON body): Node's undici
// fetch costs the client process more CPU than the server spends on a call, and node:http's
// client about two thirds of it. A real trading client picks its own HTTP stack the same way.
import { connect, type Socket } from 'node:net';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../src/lib/server/trpc/root';
import type { PlaceOrderInput } from '../../src/lib/shared/orders';
import type { BenchDatabase, LoadFigures } from './bench-database';
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
	/** Orders placed first, untimed (with another seed), so that the timed ones run compiled. */
	warmupOrders: number;
	seed: number;
}

/** What the clients tell api.ts: the warm-up is done (they wait for `go`), then the figures. */
export type ApiClientsMessage =
	{ kind: 'warmedUp' } | { kind: 'figures'; figures: LoadFigures; cpuUs: number };

interface FetchInit {
	method?: string;
	headers?: Record<string, string>;
	body?: string;
}

interface Answer {
	status: number;
	text: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection. Requests are written as they come and answers matched to
 * them in order (the server answers a connection's requests in order); every answer of the
 * server it talks to has a content-length.
 */
class Connection {
	private readonly socket: Socket;
	private readonly waiting: { resolve: (answer: Answer) => void; reject: (e: Error) => void }[] =
		[];
	private buffer: Buffer = Buffer.alloc(0);

	/** @param host the Host header: name and port, as the site's origin has them. */
	constructor(
		private readonly host: string,
		hostname: string,
		port: number
	) {
		this.socket = connect(port, hostname);
		this.socket.setNoDelay(true);
		this.socket.on('data', (chunk: Buffer) => this.read(chunk));
		this.socket.on('error', (error) => this.fail(error));
		this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
	}

	request(method: string, path: string, headers: Record<string, string>, body?: string) {
		let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n`;
		for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
		if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
		this.socket.write(`${head}\r\n${body ?? ''}`);
		return new Promise<Answer>((resolve, reject) => this.waiting.push({ resolve, reject }));
	}

	close(): void {
		this.socket.destroy();
	}

	private read(chunk: Buffer): void {
		this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
		for (;;) {
			const headEnd = this.buffer.indexOf(HEAD_END);
			if (headEnd < 0) return;
			const head = this.buffer.toString('latin1', 0, headEnd);
			const length = /\r\ncontent-length: *(\d+)/i.exec(head);
			if (!length) return this.fail(new Error(`an answer without content-length: ${head}`));
			const end = headEnd + HEAD_END.length + Number(length[1]);
			if (this.buffer.length < end) return;
			const text = this.buffer.toString('utf8', headEnd + HEAD_END.length, end);
			this.buffer = this.buffer.subarray(end);
			this.waiting.shift()?.resolve({ status: Number(head.slice(9, 12)), text });
		}
	}

	private fail(error: Error): void {
		for (const waiter of this.waiting.splice(0)) waiter.reject(error);
	}
}

/** Just what httpBatchLink reads of a fetch: `ok`, `status` and `json()`. */
function fetchOver(connection: Connection, base: string) {
	return async (url: string, init: FetchInit = {}) => {
		const { status, text } = await connection.request(
			init.method ?? 'GET',
			url.slice(base.length),
			init.headers ?? {},
			init.body
		);
		return {
			ok: status >= 200 && status < 300,
			status,
			json: () => Promise.resolve(JSON.parse(text) as unknown),
			text: () => Promise.resolve(text)
		};
	};
}

process.once('message', async (setup: ApiClientsSetup) => {
	const { host, hostname, port } = new URL(setup.url);
	const connections = setup.tokens.map(() => new Connection(host, hostname, Number(port)));
	const clients = setup.tokens.map((token, i) =>
		createTRPCClient<AppRouter>({
			links: [
				httpBatchLink({
					url: `${setup.url}/trpc`,
					transformer: superjson,
					fetch: fetchOver(connections[i]!, setup.url) as unknown as typeof fetch,
					headers: { cookie: `betwise_session=${token}`, origin: setup.origin }
				})
			]
		})
	);
	const place = async (client: number, input: PlaceOrderInput) => {
		await clients[client]!.orders.place.mutate(input);
	};
	await runClosedLoop(
		limitOrderFlow(setup.books, setup.warmupOrders, setup.seed + 100),
		clients.length,
		place
	);
	await new Promise<void>((resolve) => {
		process.send!({ kind: 'warmedUp' } satisfies ApiClientsMessage);
		process.once('message', () => resolve());
	});
	const cpu = process.cpuUsage();
	const figures = await runClosedLoop(
		limitOrderFlow(setup.books, setup.orders, setup.seed),
		clients.length,
		place
	);
	for (const connection of connections) connection.close();
	const used = process.cpuUsage(cpu);
	const cpuUs = used.user + used.system;
	process.send!({ kind: 'figures', figures, cpuUs } satisfies ApiClientsMessage, () =>
		process.exit(0)
	);
});
