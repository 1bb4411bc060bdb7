import { RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { EbsDeviceVolumeType } from "aws-cdk-lib/aws-ec2";
import {
  AccountRootPrincipal,
  ManagedPolicy,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from "aws-cdk-lib/aws-iam";
import { LogGroup, ResourcePolicy, RetentionDays } from "aws-cdk-lib/aws-logs";
import { type CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from "aws-cdk-lib/aws-opensearchservice";
import { Construct } from "constructs";

/** The index the OpenSearch adapter writes (src/search/opensearch: indexName default). */
export const SEARCH_INDEX_NAME = "gazette-search";

export interface GazetteSearchProps {
  /** @default "t3.medium.search" — enough for a few million documents of gazette text. */
  readonly dataNodeInstanceType?: string;
  /** @default 2, one per availability zone */
  readonly dataNodes?: number;
  /** GiB of gp3 per data node. @default 20 */
  readonly volumeSize?: number;
}

/**
 * The OpenSearch Service domain of the public search (GAZETTE_SEARCH=opensearch): encrypted at rest
 * and between nodes, HTTPS (TLS 1.2+) only, IAM (SigV4) access through the functions' roles and no
 * resource policy, two zones, slow and application logs to CloudWatch. The index is rebuilt from the
 * records by re-publishing, but a retained domain avoids re-indexing the archive.
 */
export class GazetteSearch extends Construct {
  public readonly domain: Domain;
  /** Search only: HEAD/GET the index and POST its _search (for the API function). */
  public readonly searchPolicy: ManagedPolicy;
  /** Create the index, bulk index and delete documents, search (for the events function). */
  public readonly indexingPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: GazetteSearchProps = {}) {
    super(scope, id);
    const dataNodes = props.dataNodes ?? 2;
    // Own log groups and their resource policy: the Domain's default writes that policy through a
    // custom-resource Lambda with a wildcard role.
    const logGroup = (name: string) =>
      new LogGroup(this, name, { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const slowSearchLogGroup = logGroup("SlowSearchLogs");
    const slowIndexLogGroup = logGroup("SlowIndexLogs");
    const appLogGroup = logGroup("AppLogs");
    const logsPolicy = new ResourcePolicy(this, "LogsPolicy", {
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal("es.amazonaws.com")],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [slowSearchLogGroup, slowIndexLogGroup, appLogGroup].map((g) => g.logGroupArn),
        }),
      ],
    });
    this.domain = new Domain(this, "Domain", {
      version: EngineVersion.OPENSEARCH_2_19,
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2,
      capacity: {
        dataNodes,
        dataNodeInstanceType: props.dataNodeInstanceType ?? "t3.medium.search",
        multiAzWithStandbyEnabled: false,
      },
      zoneAwareness: { enabled: dataNodes > 1, availabilityZoneCount: 2 },
      ebs: { volumeSize: props.volumeSize ?? 20, volumeType: EbsDeviceVolumeType.GP3 },
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup,
        slowIndexLogEnabled: true,
        slowIndexLogGroup,
        appLogEnabled: true,
        appLogGroup,
      },
      suppressLogsResourcePolicy: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain.node.addDependency(logsPolicy);
    // Signed requests of this account's IAM identities only; their own policies (below) decide what
    // each may do. Set on the resource itself: Domain.addAccessPolicies needs a custom resource.
    const stack = Stack.of(this);
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = new PolicyDocument({
      statements: [
        new PolicyStatement({
          principals: [new AccountRootPrincipal()],
          actions: ["es:ESHttp*"],
          resources: [stack.formatArn({ service: "es", resource: "domain", resourceName: "*" })],
        }),
      ],
    }).toJSON();
    Validations.of(this.domain).acknowledge({
      id: "AwsSolutions-OS1",
      reason:
        "The functions that call the domain run outside a VPC; every request is SigV4-signed over HTTPS and authorised by IAM, and the domain has no resource policy.",
    });
    Validations.of(this.domain).acknowledge({
      id: "AwsSolutions-OS3",
      reason:
        "Access is by IAM identity (the API and events function roles), not by IP: Lambda has no fixed addresses to allowlist.",
    });
    Validations.of(this.domain).acknowledge({
      id: "AwsSolutions-OS4",
      reason:
        "A two-node search domain for one gazette's documents; dedicated master nodes would triple its cost for no measured benefit at this size.",
    });
    const index = `${this.domain.domainArn}/${SEARCH_INDEX_NAME}`;
    this.searchPolicy = new ManagedPolicy(this, "SearchPolicy", {
      description: "Gazette: search the public search index (OpenSearch)",
      statements: [
        new PolicyStatement({
          actions: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"],
          resources: [index, `${index}/_search`],
        }),
      ],
    });
    this.indexingPolicy = new ManagedPolicy(this, "IndexingPolicy", {
      description: "Gazette: create, write and search the public search index (OpenSearch)",
      statements: [
        new PolicyStatement({
          actions: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
          resources: [index, `${index}/*`],
        }),
      ],
    });
    const domainId = Stack.of(this).resolve((this.domain.node.defaultChild as CfnDomain).logicalId);
    Validations.of(this.indexingPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${domainId}.Arn>/${SEARCH_INDEX_NAME}/*]`,
      reason:
        "Paths under the one search index (its _bulk, _doc and _search endpoints) of this one domain; no other index or domain API.",
    });
  }

  /** https endpoint for GAZETTE_OPENSEARCH_URL. */
  get url(): string {
    return `https://${this.domain.domainEndpoint}`;
  }
}
