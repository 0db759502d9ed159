import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { strToU8, zipSync } from "fflate";
import { artifactRefusal, main, planHasChanges, planPriorState, pulledState, refusal, SavedPlanRecord, sha256 } from "../../scripts/ci/saved-plan";

/** A plan file as terraform writes it: a zip whose `tfstate` entry is the prior state. */
const planFile = (state: object | undefined) =>
  zipSync({ tfplan: strToU8("binary plan"), ...(state ? { tfstate: strToU8(JSON.stringify({ version: 4, ...state })) } : {}), "tfconfig/m-/main.tf.json": strToU8("{}") });

const lineage = "2b4cbd9a-0c3f-6d6e-8c7e-1b8b7c3f0a11";
const planAt = (serial: number, l = lineage) => planFile({ lineage: l, serial });
const recordFor = (plan: Uint8Array, extra: Partial<SavedPlanRecord> = {}): SavedPlanRecord => ({ planSha256: sha256(plan), ...planPriorState(plan), hasChanges: true, ...extra });

describe("saved-plan check (the plan is applied only to the state it was made from)", () => {
  it("reads the lineage and serial of the state a plan was made from", () => {
    expect(planPriorState(planAt(7))).toEqual({ lineage, serial: 7 });
    expect(planPriorState(planFile({}))).toEqual({ lineage: "", serial: 0 });
  });

  it("rejects a file that is not a plan", () => {
    expect(() => planPriorState(strToU8("not a zip"))).toThrow("not a terraform plan file");
    expect(() => planPriorState(planFile(undefined))).toThrow("not a terraform plan file (no tfstate entry)");
  });

  it("reads `terraform state pull` output; empty output is no state", () => {
    expect(pulledState(JSON.stringify({ version: 4, lineage, serial: 3, resources: [] }))).toEqual({ lineage, serial: 3 });
    expect(pulledState("\n")).toEqual({ lineage: "", serial: 0 });
    expect(() => pulledState("Error: no credentials")).toThrow("not JSON");
  });

  it("allows the plan when the state is the one it was made from", () => {
    const plan = planAt(7);
    expect(refusal({ record: recordFor(plan), plan, current: { lineage, serial: 7 } })).toBeUndefined();
  });

  it("refuses when the state changed since (serial)", () => {
    const plan = planAt(7);
    expect(refusal({ record: recordFor(plan), plan, current: { lineage, serial: 8 } })).toMatch(/^the state changed since the plan was made \(serial 7 then, 8 now\)/);
  });

  it("refuses another state (lineage), and a first plan once a state exists", () => {
    const plan = planAt(7);
    expect(refusal({ record: recordFor(plan), plan, current: { lineage: "other", serial: 7 } })).toMatch(/a different state/);
    const first = planFile({});
    expect(refusal({ record: recordFor(first), plan: first, current: { lineage: "", serial: 0 } })).toBeUndefined();
    expect(refusal({ record: recordFor(first), plan: first, current: { lineage, serial: 1 } })).toMatch(/a different state/);
  });

  it("refuses a plan file that is not the reviewed one, and code that is not the planned code", () => {
    const plan = planAt(7);
    expect(refusal({ record: recordFor(planAt(6)), plan, current: { lineage, serial: 7 } })).toMatch(/not the plan that was reviewed/);
    expect(refusal({ record: recordFor(plan, { serial: 6 }), plan, current: { lineage, serial: 7 } })).toMatch(/its record says/);
    expect(refusal({ record: recordFor(plan, { tree: "aaa" }), plan, current: { lineage, serial: 7 }, tree: "bbb" })).toMatch(/not the code the plan was made from/);
    expect(refusal({ record: recordFor(plan, { tree: "aaa" }), plan, current: { lineage, serial: 7 }, tree: "aaa" })).toBeUndefined();
    expect(refusal({ record: recordFor(plan), plan, current: { lineage, serial: 7 }, tree: "aaa" })).toMatch(/names no code tree/);
    expect(artifactRefusal({ record: recordFor(plan, { tree: "aaa" }), plan, tree: "aaa" })).toBeUndefined();
    expect(artifactRefusal({ record: recordFor(plan, { tree: "aaa" }), plan, tree: "bbb" })).toMatch(/not the code the plan was made from/);
  });

  it("allows exactly when lineage and serial are unchanged (every combination of a small domain)", () => {
    const lineages = ["", lineage, "x-lineage"];
    const serials = [0, 1, 2, 7];
    for (const pl of lineages) for (const ps of serials) for (const cl of lineages) for (const cs of serials) {
      const plan = pl === "" ? planFile({ serial: ps }) : planAt(ps, pl);
      const verdict = refusal({ record: recordFor(plan), plan, current: { lineage: cl, serial: cs } });
      const first = pl === "" && ps === 0;
      const same = first ? cl === "" && cs === 0 : cl === pl && cs === ps;
      expect([pl, ps, cl, cs, verdict === undefined]).toEqual([pl, ps, cl, cs, same]);
    }
  });

  it("tells whether a plan changes anything", () => {
    expect(planHasChanges({ resource_changes: [{ change: { actions: ["no-op"] } }, { change: { actions: ["read"] } }] })).toBe(false);
    expect(planHasChanges({ resource_changes: [{ change: { actions: ["no-op"] } }], output_changes: { url: { actions: ["update"] } } })).toBe(true);
    expect(planHasChanges({ resource_changes: [{ change: { actions: ["delete", "create"] } }] })).toBe(true);
  });

  describe("CLI", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "saved-plan-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("records, then checks against a pulled state, with one line each", () => {
      writeFileSync(join(dir, "plan.tfplan"), planAt(4));
      writeFileSync(join(dir, "plan.json"), JSON.stringify({ resource_changes: [{ change: { actions: ["create"] } }] }));
      const lines: string[] = [];
      expect(main(["record", dir, "--tree", "abc"], (l) => lines.push(l))).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, "saved-plan.json"), "utf8"))).toEqual({ planSha256: sha256(planAt(4)), lineage, serial: 4, tree: "abc", hasChanges: true });
      writeFileSync(join(dir, "pulled.json"), JSON.stringify({ lineage, serial: 4 }));
      expect(main(["check", dir, "--state", join(dir, "pulled.json"), "--tree", "abc"], (l) => lines.push(l))).toBe(0);
      writeFileSync(join(dir, "pulled.json"), JSON.stringify({ lineage, serial: 5 }));
      expect(main(["check", dir, "--state", join(dir, "pulled.json"), "--tree", "abc"], (l) => lines.push(l))).toBe(1);
      expect(main(["check", dir], (l) => lines.push(l))).toBe(1);
      expect(main(["verify", dir, "--tree", "abc"], (l) => lines.push(l))).toBe(0);
      expect(main(["verify", dir, "--tree", "abd"], (l) => lines.push(l))).toBe(1);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(/^OK to apply: plan sha256 [0-9a-f]{64}, state unchanged since the plan \(lineage .* serial 4\)\.$/),
        expect.stringMatching(/^Refusing to apply: the state changed since the plan was made \(serial 4 then, 5 now\)/),
        "Refusing to apply: --state <file> (the output of `terraform state pull`) is required",
        expect.stringMatching(/^Plan sha256 [0-9a-f]{64}, made from this code and lineage .* serial 4; the state is checked again before the apply\.$/),
        expect.stringMatching(/^Refusing to apply: the code to deploy \(tree abd\) is not the code the plan was made from \(tree abc\)/),
      ]);
      for (const l of lines) expect(l).not.toContain("\n");
    });
  });
});
