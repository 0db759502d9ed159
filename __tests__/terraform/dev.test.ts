import dev from "../../environments/dev";
import { describeTerraformStack } from "../support/terraform";

// init + validate (toBeValidTerraform) and an offline plan of the dev stack.
describeTerraformStack(dev);
