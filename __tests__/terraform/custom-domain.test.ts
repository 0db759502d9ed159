import { rmSync } from "fs";
import dev from "../../environments/dev";
import { EnvironmentConfig } from "../../environments/config";
import { describeWithTerraform, planOffline, resourceCountIn, synthForTerraform } from "../support/terraform";

/**
 * The custom-domain option with a Route 53 zone: a certificate in us-east-1 through the aliased
 * provider, one DNS validation record per name (for_each over the certificate's validation
 * options, whose keys terraform must know at plan time) and alias records to the distribution.
 */
const names = ["app.example.com", "www.example.com"];
const withDomain: EnvironmentConfig = { ...dev, name: "devdomain", edge: { ...dev.edge, domain: { names, hostedZoneId: "Z0123456789ABCDEFGHIJ" } } };

describeWithTerraform("terraform: custom domain with a Route 53 zone", () => {
  let stackDir: string;
  let outdir: string;

  beforeAll(() => {
    ({ outdir, stackDir } = synthForTerraform(withDomain));
  });
  afterAll(() => outdir && rmSync(outdir, { recursive: true, force: true }));

  it("is valid terraform (init + validate)", () => {
    expect(outdir).toBeValidTerraform();
  }, 120_000);

  it("plans offline: a validation record per name, the certificate in us-east-1 and alias records", () => {
    const plan = planOffline(stackDir);
    const validationRecords = plan.addresses.filter((a) => a.startsWith("aws_route53_record.edge-certificate_validation-record_"));
    expect(validationRecords.map((a) => a.replace(/^[^[]+/, "")).sort()).toEqual(names.map((n) => `["${n}"]`));
    expect(plan.addresses.filter((a) => /^aws_route53_record\.edge-certificate_alias-/.test(a))).toHaveLength(names.length * 2);
    expect(plan.addresses).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_acm_certificate\./), expect.stringMatching(/^aws_acm_certificate_validation\./)]));
    // Every resource block once, plus one instance per name of the for_each validation record.
    expect(plan.create).toBe(resourceCountIn(stackDir) + names.length - 1);
    expect(plan.update + plan.delete).toBe(0);
  }, 120_000);
});
