// An admin corrects a trader's cash from the support user page: credits Bob $12.34 with a reason
// after a confirmation that says exactly what will happen, sees the result, the new balances and
// the entry in Bob's account activity; Bob's cash history shows the credit and why; a debit above
// what Bob has available is refused, and a debit of the same $12.34 puts his cash back as other
// specs expect it. Support staff see no form.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCents } from '../../src/lib/shared/format';
import { apiOf, type Api } from './fixtures/api';
import { expectText, launchBrowser, screenshot, signIn, type SignedIn } from './fixtures/browser';

const TRADER = 'bob@betwise.dev';
const NAME = 'Bob Trader';
const CREDIT_REASON = 'Ticket 5120: the wire of Dec 3 arrived after the cut-off';
const DEBIT_REASON = 'Ticket 5120: the wire was returned to the sender';
const CENTS = 1_234;
const PHONE_390 = { width: 390, height: 844 };

let browser: Browser;
let admin: SignedIn;
let adminApi: Api;
let bobId: string;
/** What the spec credited Bob and has not debited yet, put back at the end whatever happens. */
let owedCents = 0;

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await signIn(browser, 'admin@betwise.dev');
	adminApi = await apiOf(admin.context);
	const [bob] = await adminApi.admin.users.search.query({ query: TRADER });
	bobId = bob!.id;
});

afterAll(async () => {
	if (owedCents > 0) {
		await adminApi.admin.users.adjustCash.mutate({
			userId: bobId,
			amountCents: -owedCents,
			reason: 'Puts back what the cash spec credited'
		});
	}
	await browser?.close();
});

const bobsPage = () => `/support/users?user=${bobId}&q=bob`;
const cashOfBob = async () => (await adminApi.admin.users.detail.query({ userId: bobId })).balance;

async function openBob(page: Page) {
	await page.goto(bobsPage());
	await expectText(page.getByTestId('user-detail'), NAME);
	await page.getByTestId('balance-cash').waitFor();
}

describe('an admin adjusting a trader’s cash', () => {
	it('credits Bob $12.34 with a reason after a confirmation, and shows the result, balances and activity', async () => {
		const { page } = admin;
		await openBob(page);
		const before = await cashOfBob();
		const panel = page.getByTestId('adjust-cash');

		// What is wrong is said next to its field, and nothing is sent.
		await panel.getByLabel('Amount').fill('12.345');
		await panel.getByRole('button', { name: 'Review credit' }).click();
		await expectText(panel.getByTestId('amount-error'), 'Enter at most two decimals');
		await panel.getByLabel('Amount').fill('12.34');
		await panel.getByLabel(/^Reason/).fill('typo');
		await panel.getByRole('button', { name: 'Review credit' }).click();
		await panel.getByTestId('reason-error').waitFor();
		expect(await panel.getByTestId('amount-error').count()).toBe(0);
		expect(await panel.getByTestId('adjust-confirm').count()).toBe(0);

		await panel.getByLabel(/^Reason/).fill(CREDIT_REASON);
		await panel.getByRole('button', { name: 'Review credit' }).click();
		await expectText(panel.getByTestId('adjust-confirm'), "Credit $12.34 to Bob Trader's cash");
		await screenshot(page, 'support-cash-confirm-1280');
		await panel.getByRole('button', { name: 'Confirm: credit $12.34' }).click();
		owedCents += CENTS;

		const cashAfter = formatCents(before.cashCents + CENTS);
		const result = panel.getByTestId('adjust-result');
		await expectText(result, "Credited $12.34 to Bob Trader's cash.");
		await expectText(result, `cash ${cashAfter}`);
		await expectText(result, `available ${formatCents(before.availableCents + CENTS)}`);
		await expectText(page.getByTestId('balance-cash'), cashAfter);
		await expectText(
			page.getByTestId('balance-available'),
			formatCents(before.availableCents + CENTS)
		);
		const newest = page.getByTestId('user-activity').getByTestId('activity-entry').first();
		await expectText(newest, /Cash credited \$12\.34\s+by admin@betwise\.dev/);
		expect(await newest.getAttribute('data-action')).toBe('CASH_ADJUSTED');
		expect(await newest.getByTestId('activity-reason').innerText()).toBe(CREDIT_REASON);
		await screenshot(page, 'support-cash-result-1280');
	});

	it("shows the credit with its reason in Bob's own cash history", async () => {
		const bob = await signIn(browser, TRADER);
		await bob.page.goto('/portfolio');
		const credit = bob.page
			.locator('[data-testid="cash-line"][data-kind="DEPOSIT"]')
			.filter({ hasText: CREDIT_REASON });
		await expectText(credit, 'Credited by BetWise staff');
		expect(await credit.getByTestId('cash-total').innerText()).toBe('+$12.34');
		expect(await credit.getByTestId('ledger-reason').innerText()).toBe(CREDIT_REASON);
		await screenshot(bob.page, 'support-cash-portfolio-1280');
		await bob.context.close();
	});

	it('refuses a debit above what Bob has available, then debits the $12.34 back', async () => {
		const { page } = admin;
		await openBob(page);
		const before = await cashOfBob();
		const panel = page.getByTestId('adjust-cash');

		await panel.getByLabel('Debit (take available cash)').check();
		await expectText(
			panel.getByTestId('adjust-available'),
			`Bob Trader has ${formatCents(before.availableCents)} available.`
		);
		await panel.getByLabel('Amount').fill('$1,000,000');
		await panel.getByLabel(/^Reason/).fill(DEBIT_REASON);
		await panel.getByRole('button', { name: 'Review debit' }).click();
		await expectText(
			panel.getByTestId('adjust-confirm'),
			"Debit $1,000,000.00 from Bob Trader's cash"
		);
		await panel.getByRole('button', { name: 'Confirm: debit $1,000,000.00' }).click();
		await expectText(
			panel.getByTestId('adjust-failure'),
			`Bob Trader has ${formatCents(before.availableCents)} available`
		);
		expect(await cashOfBob()).toEqual(before);

		await panel.getByRole('button', { name: 'Back' }).click();
		await panel.getByLabel('Amount').fill('12.34');
		await panel.getByRole('button', { name: 'Review debit' }).click();
		await expectText(panel.getByTestId('adjust-confirm'), "Debit $12.34 from Bob Trader's cash");
		await panel.getByRole('button', { name: 'Confirm: debit $12.34' }).click();
		await expectText(panel.getByTestId('adjust-result'), "Debited $12.34 from Bob Trader's cash.");
		owedCents -= CENTS;
		await expectText(page.getByTestId('balance-cash'), formatCents(before.cashCents - CENTS));
		await expectText(
			page.getByTestId('user-activity').getByTestId('activity-entry').first(),
			/Cash debited \$12\.34\s+by admin@betwise\.dev[\s\S]*the wire was returned/
		);
	});

	it('fits a 390 px phone', async () => {
		const phone = await signIn(browser, 'admin@betwise.dev', PHONE_390);
		await openBob(phone.page);
		const panel = phone.page.getByTestId('adjust-cash');
		await panel.getByLabel('Amount').fill('12.34');
		await panel.getByLabel(/^Reason/).fill(CREDIT_REASON);
		await panel.getByRole('button', { name: 'Review credit' }).click();
		await expectText(panel.getByTestId('adjust-confirm'), "Credit $12.34 to Bob Trader's cash");
		const sideways = await phone.page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(sideways, 'the page scrolls sideways').toBeLessThanOrEqual(0);
		await panel.scrollIntoViewIfNeeded();
		await screenshot(phone.page, 'support-cash-confirm-390');
		// Left unconfirmed: nothing is sent.
		await panel.getByRole('button', { name: 'Back' }).click();
		await panel.getByLabel('Amount').waitFor();
		await screenshot(phone.page, 'support-cash-form-390');
		await phone.context.close();
	});

	it('offers support staff no form', async () => {
		const support = await signIn(browser, 'support@betwise.dev');
		await openBob(support.page);
		await support.page.getByTestId('user-activity').waitFor();
		expect(await support.page.getByTestId('adjust-cash').count()).toBe(0);
		await support.context.close();
	});
});
