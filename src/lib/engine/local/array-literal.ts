// Postgres array literals for the group commit's parameters, built here rather than by pg: pg
// quotes every element and escapes it with two regular expressions, which was the largest part
// of the Node time a group write costs. Ids, numbers, enum values and timestamps go in bare.

export type ArrayElement = string | number | boolean | Date | null;

/** Strings that Postgres reads back unchanged without quotes (but for the word NULL). */
const BARE = /^[\w.:+-]+$/;
const NULL_WORD = /^null$/i;
const NEEDS_ESCAPE = /["\\]/g;

function element(value: ArrayElement): string {
	if (value === null) return 'NULL';
	switch (typeof value) {
		case 'string':
			return BARE.test(value) && !NULL_WORD.test(value)
				? value
				: `"${value.replace(NEEDS_ESCAPE, '\\$&')}"`;
		case 'number':
			if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
			return String(value);
		case 'boolean':
			return value ? 't' : 'f';
		default:
			// ISO 8601 in UTC: the same instant whatever the server's or the process's time zone.
			return value.toISOString();
	}
}

/** The text form of a one-dimensional array, for a parameter cast to an array type in SQL. */
export function arrayLiteral(values: readonly ArrayElement[]): string {
	let text = '{';
	for (let i = 0; i < values.length; i++) {
		if (i > 0) text += ',';
		text += element(values[i]!);
	}
	return `${text}}`;
}
