import { describe, it } from 'vitest';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { examplePlan } from './example-plan.js';
import { expectGolden } from './golden.js';
import { syntheticPlan } from './synthetic.js';

describe('golden renderings', () => {
  for (const [name, make] of [['example', examplePlan], ['synthetic', syntheticPlan]] as const) {
    it(`${name}: text`, () => expectGolden(`${name}.txt`, renderPlanText(make(), { color: false })));
    it(`${name}: markdown`, () => expectGolden(`${name}.md`, renderPlanMarkdown(make())));
    it(`${name}: json`, () => expectGolden(`${name}.json`, renderPlanJson(make())));
  }
});
