import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { ConsoleUserPool, type ConsoleUserPoolProps } from "../constructs/console-identity.js";
import { GazetteData, type GazetteDataProps } from "../constructs/gazette-data.js";
import { GazetteSearch, type GazetteSearchProps } from "../constructs/gazette-search.js";

export interface GazetteStatefulStackProps extends StackProps {
  /** Passed to {@link GazetteData}. */
  readonly data?: GazetteDataProps;
  /** The OpenSearch domain of the public search; left out (the default), none is created. */
  readonly search?: GazetteSearchProps | undefined;
  /** The console's user pool (issue 12): its hosted sign-in's domain prefix. */
  readonly console?: ConsoleUserPoolProps | undefined;
}

/** Data that must outlive any deployment of the compute: buckets and the table (all RETAINed). */
export class GazetteStatefulStack extends Stack {
  public readonly data: GazetteData;
  public readonly search: GazetteSearch | undefined;
  /** Console accounts and roles (Cognito user pool, groups, hosted sign-in). */
  public readonly consoleUserPool: ConsoleUserPool;

  constructor(scope: Construct, id: string, props: GazetteStatefulStackProps = {}) {
    const { data, search, console: consoleProps, ...stackProps } = props;
    super(scope, id, {
      description: "Gazette pipeline: stateful resources (buckets, table, console user pool)",
      terminationProtection: true,
      ...stackProps,
    });
    this.data = new GazetteData(this, "Data", data);
    this.search = search ? new GazetteSearch(this, "Search", search) : undefined;
    this.consoleUserPool = new ConsoleUserPool(this, "Console", consoleProps);
  }
}
