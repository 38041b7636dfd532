// API keys in the built app: a person makes one on the API keys page and copies it once; a
// program then uses it as `Authorization: Bearer` over HTTP and on the WebSocket (production's
// server.js); a read key cannot trade; revoking the key on the page refuses its calls and closes
// its socket; the page's key activity shows each key made and revoked. The keys are Morgan
// Maker's (staff are offered no keys: theirs could do no staff work), and they change no order
// or cash that other specs read.
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { Browser } from 'playwright-core';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/lib/server/trpc/root';
import {
	baseURL,
	expectText,
	launchBrowser,
	PHONE,
	screenshot,
	signIn,
	type SignedIn
} from './fixtures/browser';
import { socketClient } from './fixtures/socket';

const EMAIL = 'maker@betwise.dev';

let browser: Browser;
let morgan: SignedIn;

beforeAll(async () => {
	browser = await launchBrowser();
	morgan = await signIn(browser, EMAIL);
});
afterAll(async () => {
	await browser?.close();
});

/** A program's HTTP client: the key in Authorization, no cookie, no Origin. */
const program = (key: string) =>
	createTRPCClient<AppRouter>({
		links: [
			httpBatchLink({
				url: `${baseURL}/trpc`,
				transformer: superjson,
				headers: { authorization: `Bearer ${key}` }
			})
		]
	});

/** A program's WebSocket client: the key on the upgrade, no cookie, no Origin. */
const programSocket = (key: string) => socketClient({ authorization: `Bearer ${key}` });

async function domainCodeOf(call: Promise<unknown>): Promise<string | null> {
	try {
		await call;
	} catch (error) {
		if (error instanceof TRPCClientError) {
			return (error.data as { domainCode?: string | null } | undefined)?.domainCode ?? null;
		}
		throw error;
	}
	throw new Error('Expected the call to fail, and it succeeded');
}

/** Makes a key on the page and returns the secret it shows once. */
async function makeKey(name: string, access: 'Read only' | 'Trade') {
	const { page } = morgan;
	await page.getByLabel('Name').fill(name);
	await page.getByLabel(access, { exact: false }).check();
	await page.getByRole('button', { name: 'Create key' }).click();
	const secret = (await page.getByTestId('new-api-key-secret').innerText()).trim();
	await expectText(page.getByTestId('api-keys'), name);
	await page.getByRole('button', { name: 'Done' }).click();
	return secret;
}

describe('API keys', () => {
	it('are made on their page, shown once, and sign a program in as their maker', async () => {
		const { page } = morgan;
		await page
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'API keys' })
			.click();
		await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
		const reader = await makeKey('e2e reader', 'Read only');
		expect(reader).toMatch(/^bwk_[A-Za-z0-9_-]{43}$/);

		const http = program(reader);
		expect((await http.auth.me.query())?.email).toBe(EMAIL);
		// An order that does not exist: a read key is stopped before the engine, a trade key is not.
		const cancel = { orderId: '999999999' };
		expect(await domainCodeOf(http.orders.cancel.mutate(cancel))).toBe('API_KEY_READ_ONLY');
		const trader = await makeKey('e2e trader', 'Trade');
		expect(await domainCodeOf(program(trader).orders.cancel.mutate(cancel))).toBe('UNKNOWN_ORDER');

		// Reloaded, the page shows each key by its hint only.
		await page.reload();
		const table = page.getByTestId('api-keys');
		await expectText(table, 'e2e reader');
		expect(await page.getByTestId('new-api-key-secret').count()).toBe(0);
		expect(await table.innerText()).not.toContain(reader.slice(8, -4));
		expect(await page.getByTestId('key-activity').innerText()).not.toContain(reader.slice(8, -4));
		await screenshot(page, 'api-keys');

		// Revoked on the page: its socket closes and its calls are refused.
		const socket = programSocket(reader);
		expect((await socket.trpc.auth.me.query())?.email).toBe(EMAIL);
		const closed = socket.closed();
		const row = table.getByRole('row').filter({ hasText: 'e2e reader' });
		await row.getByRole('button', { name: 'Revoke e2e reader' }).click();
		await row.getByRole('button', { name: 'Confirm revoke' }).click();
		await expectText(page.locator('main'), 'Revoked “e2e reader”');
		expect(await closed).toBe(4001);
		expect(await domainCodeOf(http.auth.me.query())).toBe('INVALID_API_KEY');
		await socket.close();
		expect(await table.innerText()).not.toContain('e2e reader');

		// Key activity: the key made and then revoked, newest first, by its name and hint; Morgan
		// did both, so neither says staff did it.
		const activity = page.getByTestId('key-activity').getByTestId('activity-entry');
		await expectText(activity.first(), /Key revoked[\s\S]*e2e reader/);
		const readerEntries = activity.filter({ hasText: 'e2e reader' });
		expect(
			await readerEntries.evaluateAll((rows) => rows.map((row) => row.dataset.action))
		).toEqual(['API_KEY_REVOKED', 'API_KEY_CREATED']);
		const readerHint = `${reader.slice(0, 8)}…${reader.slice(-4)}`;
		for (const text of await readerEntries.allInnerTexts()) {
			expect(text).toContain(readerHint);
			expect(text).not.toContain('BetWise staff');
		}

		const traderRow = table.getByRole('row').filter({ hasText: 'e2e trader' });
		await traderRow.getByRole('button', { name: 'Revoke e2e trader' }).click();
		await traderRow.getByRole('button', { name: 'Confirm revoke' }).click();
		await expectText(page.locator('main'), 'You have no API keys.');
		await expectText(activity.first(), /Key revoked[\s\S]*e2e trader/);
		expect(await activity.evaluateAll((rows) => rows.map((row) => row.dataset.action))).toEqual([
			'API_KEY_REVOKED',
			'API_KEY_REVOKED',
			'API_KEY_CREATED',
			'API_KEY_CREATED'
		]);
	});

	it('show their key activity on a 375 px phone without scrolling sideways', async () => {
		const phone = await signIn(browser, EMAIL, PHONE);
		const { page } = phone;
		await page.goto('/api-keys');
		await page.getByTestId('key-activity').getByTestId('activity-entry').first().waitFor();
		await page.getByTestId('key-activity').scrollIntoViewIfNeeded();
		await screenshot(page, 'api-keys-activity-375');
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow, '/api-keys scrolls sideways').toBe(0);
		const scroll = await page
			.getByTestId('key-activity')
			.evaluate((table) => table.scrollWidth - table.parentElement!.clientWidth);
		expect(scroll, 'the key activity scrolls sideways').toBeLessThanOrEqual(0);
		await phone.context.close();
	});
});
