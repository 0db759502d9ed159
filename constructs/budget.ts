import { BudgetsBudget, BudgetsBudgetNotification } from "@cdktf/provider-aws/lib/budgets-budget";
import { Construct } from "constructs";

export interface BudgetProps {
  /** Budget name, e.g. "webplatform-dev-monthly". */
  readonly name: string;
  /** Monthly cost limit in USD (> 0). */
  readonly monthlyUsd: number;
  /** Email subscribers of every alert (at most 10, AWS's limit per notification). */
  readonly alertEmails?: readonly string[];
  /** SNS topics that receive every alert (their policy must allow budgets.amazonaws.com to publish). */
  readonly alertTopicArns?: readonly string[];
  /**
   * Only costs carrying these tags count (cost allocation tags, which must be activated in the
   * Billing console), e.g. { Environment: "dev" }. Default: every cost of the account.
   */
  readonly costAllocationTags?: Readonly<Record<string, string>>;
  /** Alert thresholds in percent of the limit, each for actual and for forecast spend. Default [80, 100]. */
  readonly thresholdsPercent?: readonly number[];
}

/**
 * A monthly AWS cost budget with alerts on actual and forecast spend (default at 80 % and 100 %
 * of the limit). Without subscribers there are no alerts (AWS requires one per notification);
 * the budget still tracks spend in the Billing console. An account's first two budgets are free,
each further one costs $0.02 a day.
 */
export class Budget extends Construct {
  readonly budget: BudgetsBudget;
  readonly thresholdsPercent: readonly number[];

  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    if (!(props.monthlyUsd > 0)) throw new Error(`${this.node.path}: monthlyUsd must be > 0, got ${props.monthlyUsd}`);
    const emails = [...(props.alertEmails ?? [])];
    const topics = [...(props.alertTopicArns ?? [])];
    this.thresholdsPercent = props.thresholdsPercent ?? [80, 100];
    const subscribed = emails.length + topics.length > 0;
    const notification: BudgetsBudgetNotification[] = subscribed
      ? this.thresholdsPercent.flatMap((threshold) =>
          (["ACTUAL", "FORECASTED"] as const).map((notificationType) => ({
            comparisonOperator: "GREATER_THAN",
            threshold,
            thresholdType: "PERCENTAGE",
            notificationType,
            subscriberEmailAddresses: emails.length > 0 ? emails : undefined,
            subscriberSnsTopicArns: topics.length > 0 ? topics : undefined,
          })),
        )
      : [];
    const tags = Object.entries(props.costAllocationTags ?? {});
    this.budget = new BudgetsBudget(this, "budget", {
      name: props.name,
      budgetType: "COST",
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      costFilter: tags.length > 0 ? [{ name: "TagKeyValue", values: tags.map(([k, v]) => `user:${k}$${v}`) }] : undefined,
      notification: notification.length > 0 ? notification : undefined,
    });
  }

  /** Also alert this SNS topic (e.g. the environment's operations topic) at every threshold. */
  addAlertTopic(topicArn: string): void {
    const current = (this.budget.notificationInput ?? []) as BudgetsBudgetNotification[];
    if (current.length === 0) {
      this.budget.putNotification(
        this.thresholdsPercent.flatMap((threshold) =>
          (["ACTUAL", "FORECASTED"] as const).map((notificationType) => ({ comparisonOperator: "GREATER_THAN", threshold, thresholdType: "PERCENTAGE", notificationType, subscriberSnsTopicArns: [topicArn] })),
        ),
      );
      return;
    }
    this.budget.putNotification(current.map((n) => ({ ...n, subscriberSnsTopicArns: [...(n.subscriberSnsTopicArns ?? []), topicArn] })));
  }
}
