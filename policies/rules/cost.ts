import { estimateStack } from "../../scripts/cost/estimate";
import { StackJson, loadStack } from "../../scripts/stack-json";
import { num } from "../model";
import { Check, Rule } from "../types";
import { custom } from "./define";

const usd = (n: number) => `$${n.toFixed(2)}`;

export const costRules: readonly Rule[] = [
  custom(
    {
      id: "WP-COST-001",
      service: "Cost",
      severity: "warning",
      title: "The estimated monthly cost stays within the environment's budget",
      explanation: "A change that costs more than the budget should be a decision, not a surprise on the bill.",
      fix: "Check `npm run cost -- <env>`: reduce sizes or usage, or raise budget.monthlyUsd in environments/<env>.ts.",
      checkov: [],
      cdkNag: [],
    },
    (model, context) => {
      const budgets = model.all("aws_budgets_budget").filter((b) => b.config.time_unit === "MONTHLY" && (b.config.limit_unit ?? "USD") === "USD");
      if (budgets.length === 0) return [];
      // One estimate per stack: the same JSON `npm run cost` prices (tokens are resolved here).
      const estimate = estimateStack(loadStack(model.json as StackJson, model.stackName), { usage: context.usage });
      const scope = context.usage ? "" : " for fixed costs alone (no usage assumptions given)";
      const unknown = estimate.notPriced > 0 ? `; ${estimate.notPriced} line(s) not priced` : "";
      return budgets.map((b): Check => {
        const limit = num(b.config.limit_amount);
        if (limit === undefined || estimate.monthlyTotalUsd <= limit) return { block: b };
        return { block: b, violation: `the estimate${scope} is ${usd(estimate.monthlyTotalUsd)}/month (prices of ${estimate.priceDate}${unknown}), over the budget of ${usd(limit)}/month` };
      });
    },
  ),
];
