import { Rule } from "../types";
import { cloudfrontRules } from "./cloudfront";
import { costRules } from "./cost";
import { dynamodbRules, rdsRules } from "./databases";
import { ebsRules, ec2Rules } from "./ec2";
import { iamRules, kmsRules } from "./iam";
import { monitoringRules } from "./monitoring";
import { logRules, secretRules, stateRules } from "./operations";
import { s3Rules } from "./s3";
import { securityGroupRules } from "./security-groups";
import { lambdaRules, sqsRules } from "./serverless";
import { vpcRules } from "./vpc";

/** Every guardrail rule, in catalogue order (README table, reports). */
export const ALL_RULES: readonly Rule[] = [
  ...vpcRules,
  ...securityGroupRules,
  ...ec2Rules,
  ...ebsRules,
  ...cloudfrontRules,
  ...rdsRules,
  ...s3Rules,
  ...lambdaRules,
  ...dynamodbRules,
  ...sqsRules,
  ...iamRules,
  ...kmsRules,
  ...logRules,
  ...monitoringRules,
  ...secretRules,
  ...stateRules,
  ...costRules,
];

/** The rule ids an environment's relaxations may name. */
export const RULE_IDS: readonly string[] = ALL_RULES.map((r) => r.id);

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
