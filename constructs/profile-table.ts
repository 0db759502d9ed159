import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { pascalCase } from "./names";
import { ServiceRole } from "./service-role";

export interface ProfileTableProps {
  /** Table name, e.g. "webplatform-dev-profiles". */
  readonly name: string;
  /** DynamoDB deletion protection. Default true. */
  readonly deletionProtection?: boolean;
  /** lifecycle.prevent_destroy. Default false. */
  readonly preventDestroy?: boolean;
}

/** Item-level read operations `grantReadData` may grant. */
export type ReadOperation = "GetItem" | "BatchGetItem" | "Query";
/** Item-level write operations `grantWriteData` may grant. */
export type WriteOperation = "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem";

/** Partition key of the profile table (DESIGN contract). */
export const PROFILE_PARTITION_KEY = "userId";

/**
 * The user-profile table: partition key `userId` (S), on-demand billing, point-in-time recovery,
 * encryption at rest with the AWS managed KMS key, deletion protection. Access is granted per role
 * and per operation on this table's ARN only (never `*`, never table-management actions).
 */
export class ProfileTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: ProfileTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      billingMode: "PAY_PER_REQUEST",
      hashKey: PROFILE_PARTITION_KEY,
      attribute: [{ name: PROFILE_PARTITION_KEY, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
  }

  get name(): string {
    return this.table.name;
  }

  get arn(): string {
    return this.table.arn;
  }

  /** Lets `role` read items. Pass `operations` to grant fewer than the default three. */
  grantReadData(role: ServiceRole, operations: readonly ReadOperation[] = ["GetItem", "BatchGetItem", "Query"]): void {
    this.grant(role, "Read", operations);
  }

  /** Lets `role` write items. Pass `operations` to grant only what the caller issues. */
  grantWriteData(
    role: ServiceRole,
    operations: readonly WriteOperation[] = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"],
  ): void {
    this.grant(role, "Write", operations);
  }

  private grant(role: ServiceRole, verb: string, operations: readonly string[]): void {
    if (operations.length === 0) throw new Error(`${this.node.path}: grant${verb}Data needs at least one operation`);
    role.addToPolicy({
      sid: pascalCase(`${verb} ${this.node.id}`),
      actions: operations.map((op) => `dynamodb:${op}`),
      resources: [this.table.arn],
    });
  }
}
