import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { GazetteData, type GazetteDataProps } from "../constructs/gazette-data.js";
import { GazetteSearch, type GazetteSearchProps } from "../constructs/gazette-search.js";

export interface GazetteStatefulStackProps extends StackProps {
  /** Passed to {@link GazetteData}. */
  readonly data?: GazetteDataProps;
  /** The OpenSearch domain of the public search; left out (the default), none is created. */
  readonly search?: GazetteSearchProps | undefined;
}

/** Data that must outlive any deployment of the compute: buckets and the table (all RETAINed). */
export class GazetteStatefulStack extends Stack {
  public readonly data: GazetteData;
  public readonly search: GazetteSearch | undefined;

  constructor(scope: Construct, id: string, props: GazetteStatefulStackProps = {}) {
    const { data, search, ...stackProps } = props;
    super(scope, id, {
      description: "Gazette pipeline: stateful resources (buckets, table)",
      terminationProtection: true,
      ...stackProps,
    });
    this.data = new GazetteData(this, "Data", data);
    this.search = search ? new GazetteSearch(this, "Search", search) : undefined;
  }
}
