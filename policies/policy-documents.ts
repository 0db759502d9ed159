import { Block, StackModel, blocks, parseReference, strings } from "./model";

/** One IAM policy statement, normalized from `data.aws_iam_policy_document` or from policy JSON. */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** { type: "Service" | "AWS" | "Federated" | "*", identifiers } */
  readonly principals: readonly { readonly type: string; readonly identifiers: readonly string[] }[];
  readonly conditions: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** The data source the document came from, when it is one (else the policy is inline JSON). */
  readonly source?: Block;
}

/**
 * The statements of a policy attribute value: `${data.aws_iam_policy_document.x.json}` (the
 * structured data source in this stack) or a literal JSON policy string. Undefined when the value
 * is another expression (e.g. `${jsonencode(...)}` or a variable): the rules cannot see it.
 */
export function policyDocument(model: StackModel, value: unknown): PolicyDocument | undefined {
  const ref = parseReference(value);
  if (ref) {
    const source = model.get(ref.address);
    if (source?.type !== "aws_iam_policy_document" || source.mode !== "data") return undefined;
    return { statements: fromDataSource(model, source), source };
  }
  if (typeof value !== "string" || !value.trim().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(value) as { Statement?: unknown };
    const list = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    return { statements: list.map((s) => fromJson(s as Record<string, unknown>)) };
  } catch {
    return undefined;
  }
}

function fromDataSource(model: StackModel, source: Block, depth = 0): Statement[] {
  const inherited = depth < 3
    ? strings(source.config.source_policy_documents).flatMap((v) => {
        const ref = parseReference(v);
        const doc = ref ? model.get(ref.address) : undefined;
        return doc?.type === "aws_iam_policy_document" ? fromDataSource(model, doc, depth + 1) : [];
      })
    : [];
  const own = blocks(source.config.statement).map((s) => ({
    sid: typeof s.sid === "string" ? s.sid : undefined,
    effect: s.effect === "Deny" ? ("Deny" as const) : ("Allow" as const),
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    notResources: strings(s.not_resources),
    principals: blocks(s.principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
    conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: strings(c.values) })),
  }));
  return [...inherited, ...own];
}

function fromJson(s: Record<string, unknown>): Statement {
  const principal = (value: unknown) => {
    if (value === "*") return [{ type: "*", identifiers: ["*"] }];
    if (!value || typeof value !== "object") return [];
    return Object.entries(value as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: strings(ids) }));
  };
  const conditions = Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([test, vars]) =>
    Object.entries(vars ?? {}).map(([variable, values]) => ({ test, variable, values: strings(values).concat(typeof values === "boolean" ? [String(values)] : []) })),
  );
  return {
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principals: principal(s.Principal),
    conditions,
  };
}

/** True when a principal list lets anyone in: "*" or AWS "*". */
export function hasPublicPrincipal(statement: Statement): boolean {
  return statement.principals.some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"));
}

/** True when a Deny statement refuses requests without TLS (aws:SecureTransport = false). */
export function deniesInsecureTransport(statement: Statement): boolean {
  return (
    statement.effect === "Deny" &&
    hasPublicPrincipal(statement) &&
    statement.conditions.some((c) => c.test === "Bool" && c.variable === "aws:SecureTransport" && c.values.includes("false"))
  );
}

/** Label for messages: `sid "ReadUploads"` or `statement 2`. */
export function statementLabel(statement: Statement, index: number): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement ${index + 1}`;
}
