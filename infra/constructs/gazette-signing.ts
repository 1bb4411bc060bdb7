import { RemovalPolicy } from "aws-cdk-lib";
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key, KeySpec, KeyUsage } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

/**
 * The gazette's signing key (issue 14): an asymmetric KMS key, ECC_NIST_P256 for SIGN_VERIFY.
 * The key policy lets the account administer the key but not use it; only the role given to
 * `allowSigning` (the publisher's) may call kms:Sign, named in the key policy itself, so no IAM
 * policy elsewhere can grant it. Kept when the stack is deleted: what it signed must stay
 * verifiable, and its certificate stays in the keyring (src/signing/keyring.ts).
 */
export class GazetteSigningKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: "Gazette signing key: PDFs (PAdES), manifests (JWS) and log checkpoints",
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: "AdministerButNotUse",
            principals: [new AccountRootPrincipal()],
            actions: [
              "kms:Create*",
              "kms:Describe*",
              "kms:Enable*",
              "kms:List*",
              "kms:Put*",
              "kms:Update*",
              "kms:Revoke*",
              "kms:Disable*",
              "kms:GetKeyPolicy",
              "kms:GetPublicKey",
              "kms:Delete*",
              "kms:TagResource",
              "kms:UntagResource",
              "kms:ScheduleKeyDeletion",
              "kms:CancelKeyDeletion",
            ],
            resources: ["*"],
          }),
        ],
      }),
    });
  }

  /** The one role that signs: named in the key policy, and given the actions on this key. */
  allowSigning(role: IRole): void {
    const actions = ["kms:Sign", "kms:GetPublicKey"];
    this.key.addToResourcePolicy(
      new PolicyStatement({ sid: "PublisherSigns", principals: [role], actions, resources: ["*"] }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [this.key.keyArn] }));
  }
}
