// The plan as JSON for people and tools: the plan file's own shape (plan/plan-file.ts), printed.

import type { Plan } from '../model/plan.js';
import { planToJson } from '../plan/plan-file.js';

export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
