import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { GazetteData, type GazetteDataProps } from "../constructs/gazette-data.js";

export interface GazetteStatefulStackProps extends StackProps {
  /** Passed to {@link GazetteData}. */
  readonly data?: GazetteDataProps;
}

/** Data that must outlive any deployment of the compute: buckets and the table (all RETAINed). */
export class GazetteStatefulStack extends Stack {
  public readonly data: GazetteData;

  constructor(scope: Construct, id: string, props: GazetteStatefulStackProps = {}) {
    const { data, ...stackProps } = props;
    super(scope, id, {
      description: "Gazette pipeline: stateful resources (buckets, table)",
      terminationProtection: true,
      ...stackProps,
    });
    this.data = new GazetteData(this, "Data", data);
  }
}
