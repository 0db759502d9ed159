// cdktf's jest matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) and their types.
// The adapter is imported by its deep path, not through `Testing.setupJest()` from "cdktf": the
// package root loads all of cdktf (~0.2 s per test file), which half of the test files never use.
import { setupJest } from "cdktf/lib/testing/adapters/jest";

setupJest();

// cdktf records the creation stack of every token, only for the message of a token that fails to
// resolve. Under jest every captured stack is passed through jest's source-map support, which made
// constructing one PlatformStack take ~600 ms instead of ~70 ms (measured, see bench/README.md); no
// test reads these stacks. CDKTF_TOKEN_STACKS=1 keeps them when debugging such an error.
if (process.env.CDKTF_TOKEN_STACKS !== "1") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}
