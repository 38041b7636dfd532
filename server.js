// Production entry: the adapter-node build served by a plain http.Server (the WebSocket
// endpoint for live updates attaches to this same server). Plain tRPC calls on /trpc are
// answered in front of SvelteKit by the app's node-level handler (src/lib/server/trpc/
// app-node-http.ts), which leaves everything it does not serve exactly to SvelteKit. Configuration is validated, and the
// database opened and migrated, by the app's `init` hook before the first request.
import { createServer } from 'node:http';
import { handler } from './build/handler.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// Importing the handler ran the app's `init` hook, which published the /trpc HTTP handler and
// the WebSocket attacher.
const createTrpcHttpHandler = globalThis[Symbol.for('betwise.createAppTrpcHttpHandler')];
if (typeof createTrpcHttpHandler !== 'function') {
	throw new Error(
		'The build did not publish its /trpc HTTP handler (see src/lib/server/ws/app.ts)'
	);
}
const handleTrpc = createTrpcHttpHandler();

const server = createServer((req, res) => {
	handleTrpc(req, res, () => handler(req, res)).catch((error) => {
		console.error('/trpc:', error);
		res.destroy();
	});
});
server.keepAliveTimeout = 65_000;
const attachAppWebSocket = globalThis[Symbol.for('betwise.attachAppWebSocket')];
if (typeof attachAppWebSocket !== 'function') {
	throw new Error(
		'The build did not publish its WebSocket endpoint (see src/lib/server/ws/app.ts)'
	);
}
const webSockets = await attachAppWebSocket(server);
server.listen(port, host, () => {
	console.log(`BetWise listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

function shutdown(signal) {
	console.log(`${signal}: closing`);
	void webSockets.close();
	server.close(() => process.exit(0));
	server.closeIdleConnections();
	setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
