// ADMIN moves a market through its life from the market page (traders do not see those controls,
// and see the changes live), and signs a user out everywhere from the support pages.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectText, launchBrowser, screenshot, signIn } from './fixtures/browser';
import { apiOf } from './fixtures/api';
import { openMarket } from './fixtures/trading';

const MARKET = 'mayor-springfield-2027';
let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

describe('market administration', () => {
	it('is not offered to traders', async () => {
		const trader = await signIn(browser, 'bob@betwise.dev');
		await openMarket(trader.page, MARKET);
		expect(await trader.page.getByTestId('admin-controls').count()).toBe(0);
		const nav = trader.page.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link', { name: 'Portfolio' }).count()).toBe(1);
		await trader.context.close();
	});

	it('lets an admin halt a market and reopen it', async () => {
		const admin = await signIn(browser, 'admin@betwise.dev');
		const { page } = admin;
		await openMarket(page, MARKET);
		const controls = page.getByTestId('admin-controls');
		await controls.getByRole('button', { name: 'Halt trading' }).click();
		await controls.getByRole('button', { name: 'Confirm: halt trading' }).click();
		await expectText(controls, 'Market is now halted.');
		const ticket = page.getByTestId('order-ticket');
		await expectText(ticket, 'Trading is halted for now.');
		await screenshot(page, 'market-halted-admin-1280');

		await controls.getByRole('button', { name: 'Reopen' }).click();
		await controls.getByRole('button', { name: 'Confirm: reopen' }).click();
		await expectText(controls, 'Market is now open.');
		// Staff hold no cash: the ticket says so and takes no order, though the market is open.
		await expectText(ticket, 'Staff accounts do not trade.');
		expect(await ticket.locator('button[type=submit]').isDisabled()).toBe(true);
		expect(await page.getByTestId('my-market-activity').count()).toBe(0);
		// Nor does the header offer them a portfolio or trading keys.
		const nav = page.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link', { name: 'Portfolio' }).count()).toBe(0);
		expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);
		expect(await nav.getByRole('link', { name: 'Support' }).count()).toBe(1);
		await admin.context.close();
	});

	it("shows a halt and the reopening on a trader's open page as they happen", async () => {
		const trader = await signIn(browser, 'bob@betwise.dev');
		await openMarket(trader.page, MARKET);
		const admin = await signIn(browser, 'admin@betwise.dev');
		await openMarket(admin.page, MARKET);
		const controls = admin.page.getByTestId('admin-controls');
		const halted = trader.page.getByTestId('order-ticket').getByText('Trading is halted for now.');

		await controls.getByRole('button', { name: 'Halt trading' }).click();
		await controls.getByRole('button', { name: 'Confirm: halt trading' }).click();
		await halted.waitFor({ state: 'visible' });
		await screenshot(trader.page, 'market-halted-trader-live-1280');

		await controls.getByRole('button', { name: 'Reopen' }).click();
		await controls.getByRole('button', { name: 'Confirm: reopen' }).click();
		await halted.waitFor({ state: 'hidden' });
		await Promise.all([trader.context.close(), admin.context.close()]);
	});

	it("shows a moved close time on a trader's open page as it happens", async () => {
		const trader = await signIn(browser, 'bob@betwise.dev');
		await openMarket(trader.page, MARKET);
		const admin = await signIn(browser, 'admin@betwise.dev');
		const api = await apiOf(admin.context);
		const { id: marketId, closesAt } = await api.markets.get.query({ slug: MARKET });
		const closing = trader.page.getByTestId('market-closing');
		expect(await closing.textContent()).not.toContain('2031');

		await api.markets.setCloseTime.mutate({
			marketId,
			closesAt: new Date('2031-03-04T15:00:00Z'),
			reason: 'Vote count moved a week later'
		});
		await expectText(closing, /Closes\s+Mar [34], 2031/);

		await api.markets.setCloseTime.mutate({ marketId, closesAt, reason: 'Back to the set date' });
		await expectText(closing, String(closesAt.getFullYear()));
		await Promise.all([trader.context.close(), admin.context.close()]);
	});
});

describe('user administration', () => {
	it('lets an admin sign a trader out everywhere; support staff do not get the button', async () => {
		const trader = await signIn(browser, 'bob@betwise.dev');
		await trader.page.goto('/portfolio');
		const admin = await signIn(browser, 'admin@betwise.dev');
		await admin.page.goto('/support/users?q=bob');
		await admin.page.getByRole('link', { name: /bob@betwise\.dev/ }).click();
		const revoke = admin.page.getByTestId('revoke-sessions');
		await revoke.getByRole('button', { name: 'Sign out everywhere' }).click();
		await revoke.getByRole('button', { name: 'Confirm: sign out everywhere' }).click();
		await expectText(revoke, /Signed Bob Trader out of [1-9]\d* sessions?\./);
		// Bob's key activity names the admin who did it.
		await expectText(
			admin.page.getByTestId('user-activity').getByTestId('activity-entry').first(),
			/Signed out everywhere\s+by admin@betwise\.dev/
		);
		await screenshot(admin.page, 'support-users-revoked-1280');
		// The trader's open page hears it from the server, which closed its socket.
		const signedOut = trader.page.getByTestId('signed-out');
		await expectText(signedOut, 'You have been signed out');
		expect(await signedOut.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
			'/login?redirectTo=%2Fportfolio'
		);
		await screenshot(trader.page, 'signed-out-banner-1280');
		// The trader's next page load finds no session.
		await trader.page.goto('/portfolio');
		await trader.page.waitForURL(/\/login/);

		const support = await signIn(browser, 'support@betwise.dev');
		await support.page.goto(admin.page.url());
		await support.page.getByTestId('balance-cash').waitFor();
		expect(await support.page.getByTestId('revoke-sessions').count()).toBe(0);
		await Promise.all([trader, admin, support].map(({ context }) => context.close()));
	});
});
