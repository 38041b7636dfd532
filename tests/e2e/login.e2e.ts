// Signing in: what a person types is kept however early they type it, the form works with or
// without the page's scripts, and too many wrong passwords say plainly how long to wait.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	baseURL,
	DEMO_PASSWORD,
	holdAppScripts,
	launchBrowser,
	waitUntilLive
} from './fixtures/browser';

let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

describe('the sign-in form', () => {
	it('keeps an email typed before the page’s scripts have loaded', async () => {
		const context = await browser.newContext({ baseURL });
		const page = await context.newPage();
		const scripts = await holdAppScripts(page);
		await page.goto('/login', { waitUntil: 'commit' });
		await page.getByLabel('Email').fill('alice@betwise.dev');
		await page.getByLabel('Password').fill(DEMO_PASSWORD);
		expect(await scripts.release()).toBeGreaterThan(0);
		// Live means the page has hydrated and its scripts run.
		await waitUntilLive(page);
		expect(await page.getByLabel('Email').inputValue()).toBe('alice@betwise.dev');

		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/login'));
		await context.close();
	});

	it('signs in without the page’s scripts, as a plain form', async () => {
		const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/login');
		await page.getByLabel('Email').fill('alice@betwise.dev');
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByText('That email and password do not match an account.').waitFor();
		// The failed attempt keeps the email for the next one.
		expect(await page.getByLabel('Email').inputValue()).toBe('alice@betwise.dev');

		await page.getByLabel('Password').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/login'));
		await context.close();
	});
});

describe('too many wrong passwords', () => {
	it('says in plain words how long to wait before trying again', async () => {
		// An address no account has, so no other spec's trader is locked out.
		const email = 'locked-out@betwise.dev';
		const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/login');
		const attempt = async () => {
			await page.getByLabel('Email').fill(email);
			await page.getByLabel('Password').fill('not the password');
			await page.getByRole('button', { name: 'Sign in' }).click();
			return (await page.getByRole('alert').innerText()).trim();
		};
		for (let tries = 1; tries <= 5; tries++) {
			expect(await attempt()).toBe('That email and password do not match an account.');
		}
		expect(await attempt()).toBe('Too many attempts. Try again in 15 minutes.');
		await context.close();
	});
});
