// CDK entry (cdk.json "app"): `npx cdk synth`, `npx cdk deploy --all`.
import { App } from "aws-cdk-lib";
import { addGazetteStacks } from "./gazette-app.js";

const app = new App();
addGazetteStacks(app);
