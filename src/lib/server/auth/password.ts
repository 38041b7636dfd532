// Password hashing with scrypt from node:crypto. The stored form names its parameters, so they
// can be raised later without breaking existing hashes.
import {
	randomBytes,
	scrypt as scryptCallback,
	timingSafeEqual,
	type ScryptOptions
} from 'node:crypto';

const KEY_LENGTH = 64;
const params = { N: 16_384, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions) {
	return new Promise<Buffer>((resolve, reject) =>
		scryptCallback(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
			error ? reject(error) : resolve(key)
		)
	);
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, KEY_LENGTH, params);
	return [
		'scrypt',
		params.N,
		params.r,
		params.p,
		salt.toString('base64'),
		key.toString('base64')
	].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, saltText, keyText] = stored.split('$');
	if (scheme !== 'scrypt' || !n || !r || !p || !saltText || !keyText) return false;
	const expected = Buffer.from(keyText, 'base64');
	const actual = await scrypt(password, Buffer.from(saltText, 'base64'), expected.length, {
		N: Number(n),
		r: Number(r),
		p: Number(p)
	});
	return timingSafeEqual(actual, expected);
}

/**
 * A hash of nothing in particular, verified against when the email is unknown, so that an
 * unknown user costs the same time as a wrong password and the two cannot be told apart.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
	decoy ??= hashPassword(randomBytes(16).toString('hex'));
	return decoy;
}
