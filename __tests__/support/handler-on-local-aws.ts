/**
 * The profile-updater handler loaded in this jest process against local AWS (dynalite + s3rver
 * behind the recording proxies): the environment the handler reads is pointed at them, console
 * output is captured (or dropped), and `stop` restores the environment and closes the servers.
 *
 *   let local: HandlerOnLocalAws;
 *   beforeAll(async () => (local = await startHandlerOnLocalAws()));
 *   afterAll(() => local?.stop());
 */
import { LocalAws, startLocalAws } from "./local-aws";

type HandlerModule = typeof import("../../functions/profile-updater");

export interface HandlerOnLocalAws {
  readonly aws: LocalAws;
  readonly handler: HandlerModule["handler"];
  stop(): Promise<void>;
}

export async function startHandlerOnLocalAws(
  options: { readonly local?: Parameters<typeof startLocalAws>[0]; readonly console?: (line?: unknown) => void } = {},
): Promise<HandlerOnLocalAws> {
  const savedEnv = { ...process.env };
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true"; // local Node 20; Lambda runs 22
  const aws = await startLocalAws(options.local);
  for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"]) delete process.env[name];
  Object.assign(process.env, aws.env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require("../../functions/profile-updater") as HandlerModule;
  const sink = options.console ?? (() => undefined);
  for (const method of ["log", "warn", "error"] as const) jest.spyOn(console, method).mockImplementation((...args: unknown[]) => sink(args[0]));
  return {
    aws,
    handler,
    async stop() {
      jest.restoreAllMocks();
      await aws.close();
      process.env = savedEnv;
    },
  };
}
