/**
 * Rolling out a new version of the web app: the dev stack synthesized with the current app and
 * with "the next release" (a fixture whose bundle differs), compared resource by resource with the
 * environment comparison of `npm run compare-envs` (scripts/compare-envs.ts).
 *
 * Why a comparison of configurations and not a `terraform plan` of the update: an update plan
 * needs the state of a deployed stack, and offline there is none (terraform cannot apply without
 * AWS, and a state invented by hand would be a fiction of its own). What makes the update replace
 * the instance and keep the volume is decided by the configuration, which is what is asserted here,
 * plus these provider 5.100 schema facts (internal/service/ec2):
 * - aws_s3_object `key` forces a new object; aws_launch_template `user_data` is updated in place
 *   and makes a new version (update_default_version), so `latest_version` changes;
 * - aws_instance `launch_template.version` is not ForceNew in the schema (a CustomizeDiff forces
 *   it only after asking EC2 at plan time), hence the instance's `replace_triggered_by` on the
 *   template's latest_version: the replacement is in the configuration, whatever the API says;
 * - aws_volume_attachment `instance_id` forces a new attachment (it goes with the instance);
 *   aws_ebs_volume refers to nothing that changes, so it is left as it is.
 */
import { join } from "path";
import dev from "../environments/dev";
import { compareStacks } from "../scripts/compare-envs";
import { loadStack, StackJson } from "../scripts/stack-json";
import { idOf, resourcesOf, synthEnvironment } from "./support/synth";

const current = synthEnvironment(dev, { guardrails: { log: () => {} } });
const next = synthEnvironment(dev, { guardrails: { log: () => {} }, webAppEntry: join(__dirname, "fixtures", "web-app", "next-release.ts") });
const comparison = compareStacks(loadStack(current.tf as unknown as StackJson, "current"), loadStack(next.tf as unknown as StackJson, "next"));
const changes = Object.fromEntries(comparison.changed.map((r) => [`${r.type}.${r.path}`, r.differences.map((d) => d.setting)]));

describe("rolling out a new web app version (dev stack, current app vs the next release)", () => {
  const object = idOf(current.tf, "aws_s3_object", "artifacts/web-app");
  const template = idOf(current.tf, "aws_launch_template", "web/launch-template");
  const instance = idOf(current.tf, "aws_instance", "web/instance");
  const volume = idOf(current.tf, "aws_ebs_volume", "web/data-volume");
  const attachment = idOf(current.tf, "aws_volume_attachment", "web/data-volume-attachment");

  it("builds another bundle, so another content-addressed artifact key", () => {
    expect(next.stack.webAppBundle.scriptPath).not.toBe(current.stack.webAppBundle.scriptPath);
    const key = (s: typeof current) => resourcesOf(s.tf, "aws_s3_object")[object].key as string;
    expect(key(current)).toMatch(/^web-app\/[0-9a-f]{64}\/server\.js$/);
    expect(key(next)).toMatch(/^web-app\/[0-9a-f]{64}\/server\.js$/);
    expect(key(next)).not.toBe(key(current));
  });

  it("changes exactly two resources: the artifact object (key, file) and the launch template's user data", () => {
    expect(comparison.onlyInA).toEqual([]);
    expect(comparison.onlyInB).toEqual([]);
    expect(changes).toEqual({
      [`aws_s3_object.${object}`]: ["key", "source"],
      [`aws_launch_template.${template}`]: ["user_data"],
    });
    const userData = (s: typeof current) => resourcesOf(s.tf, "aws_launch_template")[template].user_data as string;
    const sha = (s: typeof current) => (resourcesOf(s.tf, "aws_s3_object")[object].key as string).split("/")[1];
    expect(userData(next).replaceAll(sha(next), sha(current))).toBe(userData(current)); // only the artifact's key and checksum differ
  });

  it("replaces the instance through the new launch template version; the data volume and its configuration stay as they are", () => {
    const inst = resourcesOf(next.tf, "aws_instance")[instance];
    expect(inst.lifecycle.replace_triggered_by).toEqual([`aws_launch_template.${template}.latest_version`]);
    expect(inst.launch_template.version).toBe(`\${tostring(aws_launch_template.${template}.latest_version)}`);
    // The volume refers to nothing that changes; the attachment follows the (new) instance id.
    expect(resourcesOf(next.tf, "aws_ebs_volume")[volume]).toEqual(resourcesOf(current.tf, "aws_ebs_volume")[volume]);
    expect(JSON.stringify(resourcesOf(next.tf, "aws_ebs_volume")[volume])).not.toMatch(/aws_instance|aws_launch_template|aws_s3_object/);
    expect(resourcesOf(next.tf, "aws_volume_attachment")[attachment]).toMatchObject({
      instance_id: `\${aws_instance.${instance}.id}`,
      volume_id: `\${aws_ebs_volume.${volume}.id}`,
      stop_instance_before_detaching: true,
    });
  });

  it("reports the new artifact key as an output", () => {
    expect(next.tf.output?.web_app_artifact_key.value).toBe(resourcesOf(next.tf, "aws_s3_object")[object].key);
    expect(next.tf.output?.web_app_artifact_key.value).not.toBe(current.tf.output?.web_app_artifact_key.value);
  });
});
