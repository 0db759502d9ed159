import prod from "../../environments/prod";
import { describeTerraformStack } from "../support/terraform";

// init + validate (toBeValidTerraform) and an offline plan of the prod stack.
describeTerraformStack(prod);
