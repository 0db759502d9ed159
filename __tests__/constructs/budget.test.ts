import { Budget } from "../../constructs/budget";
import { resourcesOf, synthConstructs } from "../support/synth";

const budgets = (build: Parameters<typeof synthConstructs>[0]) => Object.values(resourcesOf(synthConstructs(build).tf, "aws_budgets_budget"));

describe("Budget", () => {
  it("is a monthly USD cost budget with actual and forecast alerts at 80 % and 100 %", () => {
    const [b] = budgets((scope) => new Budget(scope, "budget", { name: "app-dev-monthly", monthlyUsd: 75, alertEmails: ["ops@example.com"], costAllocationTags: { Environment: "dev" } }));
    expect(b).toMatchObject({ name: "app-dev-monthly", budget_type: "COST", limit_amount: "75.00", limit_unit: "USD", time_unit: "MONTHLY" });
    expect(b.cost_filter).toEqual([{ name: "TagKeyValue", values: ["user:Environment$dev"] }]);
    const alerts = (b.notification as Record<string, unknown>[]).map((n) => `${n.notification_type} ${n.threshold} ${n.threshold_type} ${n.comparison_operator}`);
    expect(alerts).toEqual(["ACTUAL 80 PERCENTAGE GREATER_THAN", "FORECASTED 80 PERCENTAGE GREATER_THAN", "ACTUAL 100 PERCENTAGE GREATER_THAN", "FORECASTED 100 PERCENTAGE GREATER_THAN"]);
    for (const n of b.notification) expect(n.subscriber_email_addresses).toEqual(["ops@example.com"]);
  });

  it("has no notifications without subscribers (AWS requires one), and counts the whole account without tags", () => {
    const [b] = budgets((scope) => new Budget(scope, "budget", { name: "quiet", monthlyUsd: 10.5 }));
    expect(b.limit_amount).toBe("10.50");
    expect(b.notification).toBeUndefined();
    expect(b.cost_filter).toBeUndefined();
  });

  it("adds an SNS topic to every alert, with or without email subscribers", () => {
    const [withEmails, topicOnly] = budgets((scope) => {
      new Budget(scope, "a", { name: "a", monthlyUsd: 5, alertEmails: ["a@example.com"], thresholdsPercent: [50] }).addAlertTopic("arn:aws:sns:eu-west-1:123456789012:ops");
      new Budget(scope, "b", { name: "b", monthlyUsd: 5 }).addAlertTopic("arn:aws:sns:eu-west-1:123456789012:ops");
    });
    expect(withEmails.notification).toHaveLength(2);
    for (const n of [...withEmails.notification, ...topicOnly.notification]) expect(n.subscriber_sns_topic_arns).toEqual(["arn:aws:sns:eu-west-1:123456789012:ops"]);
    expect(withEmails.notification[0].subscriber_email_addresses).toEqual(["a@example.com"]);
    expect(topicOnly.notification).toHaveLength(4);
  });

  it("refuses a limit that is not positive", () => {
    expect(() => budgets((scope) => new Budget(scope, "budget", { name: "x", monthlyUsd: 0 }))).toThrow(/monthlyUsd must be > 0/);
  });
});
