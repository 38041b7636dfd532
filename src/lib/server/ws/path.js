// Where tRPC's WebSocket endpoint lives. Plain JS with JSDoc types, dependency-free, so that
// vite.config can import it without a build step.
export const TRPC_WS_PATH = '/trpc';

/** @param {string | undefined} url the request URL of an upgrade */
export function isTrpcWebSocketPath(url) {
	if (!url) return false;
	const query = url.indexOf('?');
	return (query === -1 ? url : url.slice(0, query)) === TRPC_WS_PATH;
}
