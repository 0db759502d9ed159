import { Testing } from "cdktf";
// Brings cdktf's matcher types (toHaveResourceWithProperties, toBeValidTerraform, ...) into scope.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
