import { readFileSync } from "fs";
import { join } from "path";
import { PlanJson } from "../../scripts/plan-summary";
import { loadStack, Stack, StackJson } from "../../scripts/stack-json";

const dir = join(__dirname, "fixtures");

/** A parsed copy of a fixture (tests may modify it). */
export function fixtureJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
}

/** The hand-written stack with the web tier and the profile flow (S3 -> Lambda -> DynamoDB, DLQ). */
export const profileFlowStack = (): Stack => loadStack(fixtureJson<StackJson>("profile-flow.stack.json"));

/** A plan that replaces the RDS instance, updates a launch template, replaces an instance, deletes a queue. */
export const replaceRdsPlan = (): PlanJson => fixtureJson<PlanJson>("replace-rds.plan.json");
