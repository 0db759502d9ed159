import { readFileSync } from "fs";
import { currentBlock, environmentsWithMarkers, README, readmeBlock, replaceBlock } from "../../scripts/readme-diagrams";
import { Stack, synthesizeEnvironments } from "../../scripts/stack-json";
import { profileFlowStack } from "./fixtures";

describe("README diagrams", () => {
  const readme = readFileSync(README, "utf8");
  let stacks: Map<string, Stack>;

  beforeAll(() => {
    stacks = synthesizeEnvironments();
  }, 60_000);

  it("has marker pairs for the default environments", () => {
    expect(environmentsWithMarkers(readme)).toEqual(expect.arrayContaining(["dev", "prod"]));
  });

  it.each(["dev", "prod"])("embeds the current diagram of %s (out of date? run `npm run diagrams`)", (env) => {
    const expected = readmeBlock(stacks.get(env)!);
    expect(expected).toContain("```mermaid\nflowchart LR\n");
    expect(currentBlock(readme, env)).toBe(expected);
  });
});

describe("README block replacement", () => {
  const readme = [
    "# Title",
    "<!-- BEGIN GENERATED DIAGRAM: demo -->",
    "old diagram",
    "<!-- END GENERATED DIAGRAM: demo -->",
    "text after",
    "<!-- BEGIN GENERATED DIAGRAM: other -->",
    "<!-- END GENERATED DIAGRAM: other -->",
    "",
  ].join("\n");
  const block = readmeBlock(profileFlowStack());

  it("replaces only what is between the markers of that environment", () => {
    const updated = replaceBlock(readme, "demo", block);
    expect(updated).toBe(readme.replace("old diagram\n", block));
    expect(currentBlock(updated, "demo")).toBe(block);
    expect(currentBlock(updated, "other")).toBe("");
  });

  it("detects a drifted block", () => {
    const updated = replaceBlock(readme, "demo", block);
    const drifted = updated.replace("UpdateItem", "PutItem");
    expect(currentBlock(drifted, "demo")).not.toBe(block);
  });

  it("refuses an environment without markers", () => {
    expect(() => replaceBlock(readme, "prod", block)).toThrow(/no markers for "prod"/);
  });
});
