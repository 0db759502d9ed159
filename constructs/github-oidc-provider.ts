import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";

/** Issuer of GitHub Actions' OIDC tokens (the `iss` claim). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const STS_AUDIENCE = "sts.amazonaws.com";

export interface GithubOidcProviderProps {
  /** Reuse the account's existing provider (an account holds one per URL); absent = create it. */
  readonly existingArn?: string;
}

/**
 * The IAM OIDC identity provider for GitHub Actions. No thumbprint: AWS verifies GitHub's JWKS
 * endpoint with its own trusted CAs, and provider 5.x leaves `thumbprint_list` optional.
 */
export class GithubOidcProvider extends Construct {
  readonly arn: string;
  readonly provider?: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    if (props.existingArn) {
      this.arn = props.existingArn;
      return;
    }
    this.provider = new IamOpenidConnectProvider(this, "provider", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [STS_AUDIENCE],
    });
    this.arn = this.provider.arn;
  }
}
