import { router } from '../../../init';
import { supportProcedure } from '../../../procedures';
import { engineHealth } from './health.handler';
import { healthOutput } from './health.schema';
import { engineStats } from './stats.handler';
import { statsInput, statsOutput } from './stats.schema';

export const enginesRouter = router({
	stats: supportProcedure.input(statsInput).output(statsOutput).query(engineStats),
	health: supportProcedure.output(healthOutput).query(engineHealth)
});
