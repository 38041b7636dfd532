// Serves tRPC over HTTP at /trpc from hooks.server.ts, with the same context as page loads.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestEvent } from '@sveltejs/kit';
import { headersForErrors } from './errors';
import { contextForEvent } from './event-context';
import { appRouter } from './root';

export const TRPC_ENDPOINT = '/trpc';

export function handleTrpcRequest(event: RequestEvent): Promise<Response> {
	return fetchRequestHandler({
		endpoint: TRPC_ENDPOINT,
		req: event.request,
		router: appRouter,
		createContext: () => contextForEvent(event),
		responseMeta: ({ errors }) => ({ headers: headersForErrors(errors) }),
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') {
				console.error(`trpc ${path ?? '?'}: ${error.message}`, error.cause);
			}
		}
	});
}
