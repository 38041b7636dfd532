// `npm run workload -- [seed] [count]`: the benchmark's order flow for that seed and count (42 and
// 1,000,000 by default), printed as one JSON line with its mix and checksum, in the reference
// generator's format, so the two can be compared by eye or by a diff.
import { checksum, countKinds, generateWorkload } from '../tests/bench/workload';

const [seedText = '42', opsText = '1000000'] = process.argv.slice(2);
const seed = Number(seedText);
const ops = Number(opsText);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(ops) || ops < 0) {
	console.error('usage: npm run workload -- [seed] [count]   (whole numbers, count at least 0)');
	process.exit(2);
}
const workload = generateWorkload({ seed, ops });
console.log(JSON.stringify({ seed, ops, ...countKinds(workload), checksum: checksum(workload) }));
