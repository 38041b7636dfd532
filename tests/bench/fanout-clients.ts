// The subscribers of the fan-out benchmark, in a process of their own: N WebSockets on the app's
// /trpc endpoint, each subscribed to one topic, timing every delivery against the commit times
// the benchmark sends over IPC. Started by fanout.ts; not meant to be run by hand.
import WebSocket from 'ws';

type Mode = 'trades' | 'book';
type ParentMessage =
	{ type: 'commits'; items: [string, number][] } | { type: 'report' } | { type: 'stop' };

const url = process.env.FANOUT_URL!;
const origin = process.env.FANOUT_ORIGIN!;
const clients = Number(process.env.FANOUT_CLIENTS ?? 1_000);
const mode = process.env.FANOUT_MODE as Mode;
const optionId = process.env.FANOUT_OPTION!;

const now = () => performance.timeOrigin + performance.now();
/** Commit time by trade id (trades) or by book seq (book). */
const committedAt = new Map<string, number>();
/** Deliveries whose commit time has not arrived yet: key → receipt times. */
const early = new Map<string, number[]>();
let latencies: number[] = [];
let delivered = 0;
/** Per client, the book seq it holds (book mode). */
const clientSeq: bigint[] = [];

function record(key: string, receivedAt: number): void {
	const committed = committedAt.get(key);
	if (committed === undefined) {
		const list = early.get(key);
		if (list) list.push(receivedAt);
		else early.set(key, [receivedAt]);
	} else {
		latencies.push(receivedAt - committed);
	}
}

function onTradeMessage(text: string): void {
	const message = JSON.parse(text) as {
		result?: { type: string; data?: { json: { data: { id: string } } } };
	};
	if (message.result?.type !== 'data') return;
	delivered++;
	record(message.result.data!.json.data.id, now());
}

function onBookMessage(client: number, text: string): void {
	const message = JSON.parse(text) as {
		result?: { type: string; data?: { json: { data: { seq: string } } } };
	};
	if (message.result?.type !== 'data') return;
	delivered++;
	const receivedAt = now();
	const seq = BigInt(message.result.data!.json.data.seq);
	const previous = clientSeq[client] ?? seq;
	// The client's book was stale for every change between what it held and this update.
	for (let s = previous + 1n; s <= seq; s++) record(s.toString(), receivedAt);
	clientSeq[client] = seq;
}

async function open(client: number): Promise<void> {
	const socket = new WebSocket(url, { headers: { Origin: origin } });
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('error', reject);
	});
	const started = new Promise<void>((resolve) => {
		socket.on('message', (data) => {
			const text = data.toString();
			// tRPC's keep-alive: a client that does not answer is dropped.
			if (text === 'PING') return socket.send('PONG');
			if (text.includes('"started"')) return resolve();
			if (mode === 'trades') onTradeMessage(text);
			else onBookMessage(client, text);
		});
	});
	socket.send(
		JSON.stringify({
			id: 1,
			method: 'subscription',
			params: {
				path: mode === 'trades' ? 'trades.onTrade' : 'books.onUpdate',
				input: { json: { optionId } }
			}
		})
	);
	await started;
}

process.on('message', (message: ParentMessage) => {
	if (message.type === 'commits') {
		for (const [key, at] of message.items) {
			committedAt.set(key, at);
			const waiting = early.get(key);
			if (waiting) {
				for (const receivedAt of waiting) latencies.push(receivedAt - at);
				early.delete(key);
			}
		}
	} else if (message.type === 'report') {
		const sorted = Float64Array.from(latencies).sort();
		const at = (p: number) =>
			sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
		process.send!({
			type: 'report',
			delivered,
			samples: sorted.length,
			p50Ms: at(0.5),
			p99Ms: at(0.99),
			maxMs: sorted.length ? sorted[sorted.length - 1] : 0
		});
		delivered = 0;
		latencies = [];
	} else {
		process.exit(0);
	}
});

for (let i = 0; i < clients; i += 50) {
	await Promise.all(Array.from({ length: Math.min(50, clients - i) }, (_, j) => open(i + j)));
}
process.send!({ type: 'ready' });
