import { router } from '../../init';
import { adminProcedure, publicProcedure } from '../../procedures';
import { createMarket } from './create.handler';
import { createInput, createOutput } from './create.schema';
import { getMarket } from './get.handler';
import { getInput, getOutput } from './get.schema';
import { close, halt, reopen, resolve, voidIt } from './lifecycle.handler';
import { lifecycleOutput, marketIdInput, resolveInput } from './lifecycle.schema';
import { listMarkets } from './list.handler';
import { onPrice, onPriceInput } from './on-price.handler';
import { onStatus, onStatusInput } from './on-status.handler';
import { listInput, listOutput } from './list.schema';
import { setCloseTime } from './set-close-time.handler';
import { setCloseTimeInput, setCloseTimeOutput } from './set-close-time.schema';

const lifecycle = adminProcedure.input(marketIdInput).output(lifecycleOutput);

export const marketsRouter = router({
	list: publicProcedure.input(listInput).output(listOutput).query(listMarkets),
	get: publicProcedure.input(getInput).output(getOutput).query(getMarket),
	create: adminProcedure.input(createInput).output(createOutput).mutation(createMarket),
	halt: lifecycle.mutation(halt),
	reopen: lifecycle.mutation(reopen),
	close: lifecycle.mutation(close),
	resolve: adminProcedure.input(resolveInput).output(lifecycleOutput).mutation(resolve),
	void: lifecycle.mutation(voidIt),
	setCloseTime: adminProcedure
		.input(setCloseTimeInput)
		.output(setCloseTimeOutput)
		.mutation(setCloseTime),
	onPrice: publicProcedure.input(onPriceInput).subscription(onPrice),
	onStatus: publicProcedure.input(onStatusInput).subscription(onStatus)
});
