import { spawnSync } from "child_process";
import { Fn, TerraformOutput } from "cdktf";
import { multipartUserData, placeholdersFor, withPlaceholders } from "../../constructs/user-data";
import { synthConstructs } from "../support/synth";

const scripts = [
  { filename: "20-second.sh", script: "#!/bin/bash\necho second\nexit 0\n" },
  { filename: "10-first.sh", script: "#!/bin/bash\nset -e\necho first\n" },
];

/** How cloud-init reads user data: Python's email parser (cloudinit/user_data.py). */
function parseLikeCloudInit(document: string): { filename: string; type: string; payload: string }[] {
  const python = [
    "import email, json, sys",
    "msg = email.message_from_string(sys.stdin.read())",
    "assert msg.is_multipart(), 'not multipart'",
    "print(json.dumps([{'filename': p.get_filename(), 'type': p.get_content_type(), 'payload': p.get_payload(decode=True).decode('ascii')} for p in msg.walk() if not p.is_multipart()]))",
  ].join("\n");
  const run = spawnSync("python3", ["-c", python], { input: document, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const hasPython = spawnSync("python3", ["--version"]).status === 0;
if (!hasPython) process.stderr.write("\n*** SKIPPED: parsing user data like cloud-init needs python3 ***\n\n");

describe("multipartUserData", () => {
  const document = multipartUserData(scripts);

  (hasPython ? it : it.skip)("is a MIME multipart that cloud-init's parser splits back into the scripts, in filename order", () => {
    expect(parseLikeCloudInit(document)).toEqual([
      { filename: "10-first.sh", type: "text/x-shellscript", payload: scripts[1].script },
      { filename: "20-second.sh", type: "text/x-shellscript", payload: scripts[0].script },
    ]);
  });

  it("refuses names cloud-init would not order, duplicates, non-scripts and non-ASCII text", () => {
    expect(() => multipartUserData([{ filename: "web.sh", script: "#!/bin/sh\n" }])).toThrow(/must look like "10-name.sh"/);
    expect(() => multipartUserData([scripts[0], scripts[0]])).toThrow(/two boot scripts are named "20-second.sh"/);
    expect(() => multipartUserData([{ filename: "10-a.sh", script: "echo no shebang\n" }])).toThrow(/must start with "#!"/);
    expect(() => multipartUserData([{ filename: "10-a.sh", script: "#!/bin/sh\necho \u2014\n" }])).toThrow(/US-ASCII/);
    expect(() => multipartUserData([])).toThrow(/at least one script/);
  });
});

describe("withPlaceholders / placeholdersFor", () => {
  it("keeps the text raw for Terraform and puts each token where its placeholder was", () => {
    const { tf } = synthConstructs((scope) => {
      const { plain, values } = placeholdersFor({ literal: "eu-west-1", token: Fn.upper("abc") });
      expect(plain).toEqual({ literal: "eu-west-1", token: "@@VALUE_0@@" });
      new TerraformOutput(scope, "rendered", { value: withPlaceholders(`a="$x" ${plain.literal} ${plain.token} %s ${plain.token}\n`, values) });
    });
    expect(tf.output?.rendered.value).toBe('${join("", ["a=\\"$x\\" eu-west-1 ", upper("abc"), " %s ", upper("abc"), "\\n"])}');
  });

  it("refuses a placeholder that the text does not contain", () => {
    expect(() => withPlaceholders("no marker here", { "@@VALUE_0@@": "x" })).toThrow(/placeholder @@VALUE_0@@ does not occur/);
  });
});
