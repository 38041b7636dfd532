// Prometheus scrapes this: the engine router's counters, latency histograms and breaker state,
// and the process's own metrics, in the text exposition format. Only with METRICS_TOKEN as a
// bearer token, or for signed-in support staff (see metrics/access.ts).
import type { RequestHandler } from './$types';
import { metricsAccess } from '$lib/server/metrics/access';
import { services } from '$lib/server/services';

export const GET: RequestHandler = async ({ request, locals }) => {
	const { engineMetrics, env } = await services();
	const access = metricsAccess({
		authorization: request.headers.get('authorization'),
		token: env.METRICS_TOKEN,
		role: locals.user?.role ?? null
	});
	if (!access.ok) {
		return new Response(`${access.message}\n`, {
			status: access.status,
			headers: { ...access.headers, 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	return new Response(await engineMetrics.text(), {
		headers: { 'content-type': engineMetrics.contentType, 'cache-control': 'no-store' }
	});
};
