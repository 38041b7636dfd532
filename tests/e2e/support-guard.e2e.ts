// Support pages are for staff: a trader is refused, a signed-out visitor is sent to sign in,
// and only staff see the header's Support link.
import { isHttpError, isRedirect } from '@sveltejs/kit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../src/routes/support/+layout.server';
import { launchBrowser, screenshot, signIn } from './fixtures/browser';

type GuardEvent = Parameters<typeof load>[0];

function guard(role: 'TRADER' | 'SUPPORT' | 'ADMIN' | null) {
	const event = {
		locals: { user: role ? { id: 'u', email: 'x@betwise.dev', displayName: 'X', role } : null },
		url: new URL('http://localhost/support/rollout')
	} as unknown as GuardEvent;
	try {
		return { returned: load(event) };
	} catch (thrown) {
		return { thrown };
	}
}

describe('the support guard', () => {
	it('refuses a trader with 403', () => {
		const { thrown } = guard('TRADER');
		expect(isHttpError(thrown) && thrown.status).toBe(403);
	});

	it('sends a signed-out visitor to sign in, and back afterwards', () => {
		const { thrown } = guard(null);
		expect(isRedirect(thrown) && thrown.location).toBe('/login?redirectTo=%2Fsupport%2Frollout');
	});

	it('lets support and admin staff in', () => {
		expect(guard('SUPPORT').returned).toBeTruthy();
		expect(guard('ADMIN').returned).toBeTruthy();
	});
});

describe('support pages in the browser', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows the Support link to staff only', async () => {
		const trader = await signIn(browser, 'alice@betwise.dev');
		await trader.page.getByRole('navigation', { name: 'Main' }).waitFor();
		expect(await trader.page.getByRole('link', { name: 'Support' }).count()).toBe(0);
		const staff = await signIn(browser, 'support@betwise.dev');
		await staff.page.getByRole('link', { name: 'Support' }).waitFor();
		await trader.context.close();
		await staff.context.close();
	});

	it('does not open /support for a trader', async () => {
		const trader = await signIn(browser, 'alice@betwise.dev');
		const staff = await signIn(browser, 'support@betwise.dev');
		const traderStatus = (await trader.page.goto('/support'))?.status();
		const staffStatus = (await staff.page.goto('/support'))?.status();
		await screenshot(trader.page, 'support-refused-trader-1280');
		await trader.context.close();
		await staff.context.close();
		expect(staffStatus).toBe(200);
		expect(traderStatus).toBe(403);
	});
});
