import { describe, expect, it } from 'vitest';
import { metricsAccess } from './access';

const token = 'scrape-token-0123456789';

describe('who may read /metrics', () => {
	it('lets a scraper in with METRICS_TOKEN as its bearer token', () => {
		expect(metricsAccess({ authorization: `Bearer ${token}`, token, role: null })).toEqual({
			ok: true
		});
	});

	it('refuses a wrong token, and any token when none is configured', () => {
		for (const configured of [token, undefined]) {
			expect(
				metricsAccess({ authorization: 'Bearer not-the-token', token: configured, role: 'ADMIN' })
			).toMatchObject({ ok: false, status: 401 });
		}
		expect(metricsAccess({ authorization: `Bearer ${token}x`, token, role: null })).toMatchObject({
			ok: false,
			status: 401
		});
	});

	it('lets support and admin sessions in', () => {
		for (const role of ['SUPPORT', 'ADMIN']) {
			expect(metricsAccess({ authorization: null, token: undefined, role })).toEqual({ ok: true });
		}
	});

	it('refuses a trader with 403 and a visitor with 401 and a Bearer challenge', () => {
		expect(metricsAccess({ authorization: null, token, role: 'TRADER' })).toMatchObject({
			ok: false,
			status: 403
		});
		expect(metricsAccess({ authorization: null, token, role: null })).toMatchObject({
			ok: false,
			status: 401,
			headers: { 'www-authenticate': 'Bearer' }
		});
	});
});
