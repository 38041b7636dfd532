// The site's look for lightweight-charts, read from its CSS variables, so that the price chart
// and the support latency chart are drawn alike. Browser only (it reads computed styles).
import type { ChartOptions, ColorType, DeepPartial } from 'lightweight-charts';

/** A CSS custom property of the page, e.g. cssColor('--line'). */
export function cssColor(name: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * Chart options in the site's colours and font. `solid` is lightweight-charts' ColorType.Solid,
 * passed in because the library is imported lazily, in the browser.
 */
export function siteChartOptions(
	solid: ColorType.Solid,
	timeScale: DeepPartial<ChartOptions['timeScale']> = {}
): DeepPartial<ChartOptions> {
	const line = cssColor('--line');
	return {
		autoSize: true,
		layout: {
			background: { type: solid, color: 'transparent' },
			textColor: cssColor('--muted'),
			fontFamily: getComputedStyle(document.body).fontFamily
		},
		grid: { vertLines: { color: line }, horzLines: { color: line } },
		rightPriceScale: { borderColor: line },
		timeScale: { borderColor: line, timeVisible: true, ...timeScale }
	};
}
