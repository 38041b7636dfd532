import { router } from '../../init';
import { publicProcedure } from '../../procedures';
import { getMarket } from './get.handler';
import { getInput, getOutput } from './get.schema';
import { listMarkets } from './list.handler';
import { listInput, listOutput } from './list.schema';

export const marketsRouter = router({
	list: publicProcedure.input(listInput).output(listOutput).query(listMarkets),
	get: publicProcedure.input(getInput).output(getOutput).query(getMarket)
});
