// Prometheus scrapes this: the engine router's counters, latency histograms and breaker state,
// and the process's own metrics, in the text exposition format.
import type { RequestHandler } from './$types';
import { services } from '$lib/server/services';

export const GET: RequestHandler = async () => {
	const { engineMetrics } = await services();
	return new Response(await engineMetrics.text(), {
		headers: { 'content-type': engineMetrics.contentType, 'cache-control': 'no-store' }
	});
};
